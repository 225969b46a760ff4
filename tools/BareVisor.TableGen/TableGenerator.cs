// Host tool. The whole generation step as a function of the repository's tables, so the unit tests
// can run it and compare with the committed files.
using System;
using System.Collections.Generic;
using System.IO;

namespace BareVisor.TableGen
{
    /// <summary>A generated file: its path relative to the repository root ('/' separators) and its text.</summary>
    public sealed record GeneratedFile(string RelativePath, string Content);

    public static class TableGenerator
    {
        public const string TablesDirectory = "src/BareVisor.Core/Vmx/Tables";
        public const string OutputDirectory = "src/BareVisor.Core/Vmx/Generated";

        private delegate string Emitter(List<TableRow> rows, string fileName);

        private static readonly (string Table, string Output, Emitter Emit)[] Jobs =
        {
            ("vmcs-fields.txt", "VmcsFields.g.cs", VmcsFieldsEmitter.Emit),
            ("exit-reasons.txt", "ExitReasons.g.cs", ExitReasonsEmitter.Emit),
            ("vm-instruction-errors.txt", "VmInstructionErrors.g.cs", VmInstructionErrorsEmitter.Emit),
            ("vmx-controls.txt", "VmxControls.g.cs", VmxControlsEmitter.Emit),
        };

        /// <summary>What the tables under repositoryRoot generate.</summary>
        public static List<GeneratedFile> Generate(string repositoryRoot)
        {
            var files = new List<GeneratedFile>();
            foreach (var job in Jobs)
            {
                string tablePath = Path.Combine(repositoryRoot, TablesDirectory, job.Table);
                List<TableRow> rows = TableReader.Read(File.ReadAllText(tablePath), job.Table);
                files.Add(new GeneratedFile(OutputDirectory + "/" + job.Output, job.Emit(rows, job.Table)));
            }
            return files;
        }

        /// <summary>The generated files whose committed text differs from what the tables produce (line ends ignored).</summary>
        public static List<string> FindDrift(string repositoryRoot)
        {
            var drifted = new List<string>();
            foreach (GeneratedFile file in Generate(repositoryRoot))
            {
                string path = Path.Combine(repositoryRoot, file.RelativePath);
                string committed = File.Exists(path) ? File.ReadAllText(path).Replace("\r\n", "\n") : null;
                if (committed != file.Content)
                    drifted.Add(file.RelativePath);
            }
            return drifted;
        }

        /// <summary>The nearest directory at or above start that holds BareVisor.sln, or null.</summary>
        public static string FindRepositoryRoot(string start)
        {
            for (DirectoryInfo dir = new DirectoryInfo(start); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "BareVisor.sln")))
                    return dir.FullName;
            }
            return null;
        }
    }
}
