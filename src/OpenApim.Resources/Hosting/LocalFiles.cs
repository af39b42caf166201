namespace OpenApim.Resources.Hosting;

/// <summary>
/// Files and folders that hold secrets (the database, archives in the work folder, local blobs, keys, the bootstrap
/// credential): readable by the owner only, 0600 for files and 0700 for folders, whatever the process umask.
/// </summary>
public static class LocalFiles
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Creates (or truncates) a file only the owner can read.</summary>
    public static FileStream CreateSecret(string path, FileMode mode = FileMode.Create, int bufferSize = 4096)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.ReadWrite, Share = FileShare.None, BufferSize = bufferSize };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerFile;
        }

        var stream = new FileStream(path, options);
        Restrict(path);
        return stream;
    }

    /// <summary>Writes a file that holds secrets, replacing it atomically.</summary>
    public static void WriteSecret(string path, string content)
    {
        CreatePrivateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temp = path + ".tmp";
        using (var stream = CreateSecret(temp))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Creates a folder (and its missing parents) only the owner can enter; tightens it when it exists.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, OwnerFolder);
        File.SetUnixFileMode(path, OwnerFolder);
    }

    /// <summary>Makes an existing file owner-only (files written before the rule, or by a library that ignores it).</summary>
    public static void Restrict(string path)
    {
        if (!OperatingSystem.IsWindows() && File.Exists(path) && (File.GetUnixFileMode(path) & ~OwnerFile) != 0)
        {
            File.SetUnixFileMode(path, OwnerFile);
        }
    }
}
