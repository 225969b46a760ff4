// Host tool entry point. Usage: BareVisor.TableGen [--check] [--root <repository root>]
//   (no option)  rewrite src/BareVisor.Core/Vmx/Generated/*.g.cs from the tables
//   --check      write nothing; exit 1 and list the files that differ from the tables
using System;
using System.Collections.Generic;
using System.IO;

namespace BareVisor.TableGen
{
    public static class Program
    {
        public static int Main(string[] args)
        {
            bool check = Array.IndexOf(args, "--check") >= 0;
            int rootIndex = Array.IndexOf(args, "--root");
            string root = rootIndex >= 0 && rootIndex + 1 < args.Length
                ? args[rootIndex + 1]
                : TableGenerator.FindRepositoryRoot(Directory.GetCurrentDirectory());
            if (root == null)
            {
                Console.Error.WriteLine("BareVisor.TableGen: no BareVisor.sln above the current directory; pass --root");
                return 2;
            }
            try
            {
                return check ? Check(root) : Write(root);
            }
            catch (TableFormatException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        }

        private static int Check(string root)
        {
            List<string> drifted = TableGenerator.FindDrift(root);
            foreach (string path in drifted)
                Console.Error.WriteLine(path + " differs from its table; run BareVisor.TableGen");
            return drifted.Count == 0 ? 0 : 1;
        }

        private static int Write(string root)
        {
            foreach (GeneratedFile file in TableGenerator.Generate(root))
            {
                string path = Path.Combine(root, file.RelativePath);
                Directory.CreateDirectory(Path.GetDirectoryName(path));
                File.WriteAllText(path, file.Content);
                Console.WriteLine("wrote " + file.RelativePath);
            }
            return 0;
        }
    }
}
