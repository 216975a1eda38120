using System;
using System.IO;

namespace Ally.Configuration
{
    /// <summary>Writes a file beside its target and moves it over the target: a failed or stopped write leaves the old file as it was.</summary>
    public static class AtomicFile
    {
        /// <summary>Writes <paramref name="path"/> through <paramref name="write"/>; IO errors are left to the caller.</summary>
        public static void Write(string path, Action<Stream> write)
        {
            string temporary = path + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp";
            try
            {
                using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    write(stream);
                }
                if (File.Exists(path)) File.Replace(temporary, path, null);
                else File.Move(temporary, path);
            }
            finally
            {
                if (File.Exists(temporary)) File.Delete(temporary);
            }
        }

        /// <summary>Writes <paramref name="text"/> as UTF-8 without a byte order mark.</summary>
        public static void WriteText(string path, string text) => Write(path, Utf8(text));

        /// <summary>A writer of <paramref name="text"/> as UTF-8 without a byte order mark (for <see cref="Write"/>).</summary>
        public static Action<Stream> Utf8(string text) => stream =>
        {
            byte[] bytes = new System.Text.UTF8Encoding(false).GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
        };
    }
}
