// Host test code. Runs the ACPICA tools (Debian package acpica-tools: iasl, acpiexec) on table
// files in a scratch directory. A missing tool fails the test: .ci/run installs the package.
using System;
using System.ComponentModel;
using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using BareVisor.Core.Acpi.Guest;

namespace BareVisor.Core.Tests.Acpi.Guest
{
    public sealed class AcpicaTools : IDisposable
    {
        public readonly string Directory = Path.Combine(Path.GetTempPath(), "barevisor-acpi-" + Guid.NewGuid().ToString("N"));

        public AcpicaTools() => System.IO.Directory.CreateDirectory(Directory);

        public void Dispose() => System.IO.Directory.Delete(Directory, recursive: true);

        public string PathOf(string name) => Path.Combine(Directory, name);

        /// <summary>Writes each table of the blob to its own file: dsdt.dat, facp.dat, apic.dat, facs.dat, xsdt.dat.</summary>
        public void WriteTables(GuestAcpiTables tables)
        {
            Write(tables, "dsdt.dat", tables.DsdtAddress);
            Write(tables, "facp.dat", tables.FadtAddress);
            Write(tables, "apic.dat", tables.MadtAddress);
            Write(tables, "xsdt.dat", tables.XsdtAddress);
            int facs = (int)(tables.FacsAddress - tables.Address);
            File.WriteAllBytes(PathOf("facs.dat"), tables.Blob.AsSpan(facs, 64).ToArray());
        }

        private void Write(GuestAcpiTables tables, string name, ulong address)
        {
            int offset = (int)(address - tables.Address);
            int length = BitConverter.ToInt32(tables.Blob, offset + 4);
            File.WriteAllBytes(PathOf(name), tables.Blob.AsSpan(offset, length).ToArray());
        }

        /// <summary>Runs the tool in the scratch directory; its exit code and its stdout and stderr together.</summary>
        public (int ExitCode, string Output) Run(string program, params string[] arguments)
        {
            ProcessStartInfo start = new ProcessStartInfo(program)
            {
                WorkingDirectory = Directory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (string argument in arguments)
                start.ArgumentList.Add(argument);
            Process process;
            try
            {
                process = Process.Start(start);
            }
            catch (Win32Exception e)
            {
                Assert.Fail(program + " cannot be started (" + e.Message + "): install the Debian package acpica-tools, as .ci/run does");
                throw;
            }
            using (process)
            {
                process.StandardInput.Close();
                Task<string> output = process.StandardOutput.ReadToEndAsync();
                Task<string> errors = process.StandardError.ReadToEndAsync();
                Assert.True(process.WaitForExit(60_000), program + " did not finish within a minute");
                return (process.ExitCode, output.Result + errors.Result);
            }
        }
    }
}
