using System;
using System.Buffers.Binary;
using System.Text.Json;

namespace Ally.Embeddings
{
    /// <summary>Vectors as servers send them: JSON arrays of numbers, or base64 of little-endian float32 (OpenAI's <c>encoding_format: base64</c>).</summary>
    public static class EmbeddingVectors
    {
        /// <summary>A JSON array of numbers as a vector.</summary>
        public static float[] FromJson(JsonElement array)
        {
            var vector = new float[array.GetArrayLength()];
            int i = 0;
            foreach (JsonElement value in array.EnumerateArray()) vector[i++] = value.GetSingle();
            return vector;
        }

        /// <summary>Base64 of little-endian float32 values as a vector (on any host byte order).</summary>
        public static float[] FromBase64(string base64)
        {
            byte[] bytes = Convert.FromBase64String(base64);
            if (bytes.Length % sizeof(float) != 0) throw new FormatException("The vector's length is not a whole number of float32 values.");
            var vector = new float[bytes.Length / sizeof(float)];
            if (BitConverter.IsLittleEndian)
            {
                Buffer.BlockCopy(bytes, 0, vector, 0, bytes.Length);
            }
            else
            {
                for (int i = 0; i < vector.Length; i++)
                {
                    int bits = BinaryPrimitives.ReadInt32LittleEndian(new ReadOnlySpan<byte>(bytes, i * sizeof(float), sizeof(float)));
                    vector[i] = BitConverter.ToSingle(BitConverter.GetBytes(bits), 0);
                }
            }
            return vector;
        }
    }
}
