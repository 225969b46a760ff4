// Host test code. A real Linux kernel for the loader tests: Debian's linux-image-cloud-amd64,
// fetched with apt-get from Debian's archive (the only network the tests use) into
// artifacts/debian-kernel/ once, then reused. The fetching is the default guest's builder's
// (tools/BareVisor.LinuxGuest, DebianKernel.cs), so there is one copy of it. When the kernel cannot
// be had the tests that need it fail with the reason; they are never skipped.
using System;
using System.IO;
using BareVisor.TableGen;
using GuestKernel = BareVisor.LinuxGuest.DebianKernel;

namespace BareVisor.Core.Tests.Loaders
{
    public static class DebianKernel
    {
        public const string MetaPackage = GuestKernel.MetaPackage;

        private static readonly Lazy<(byte[] Image, string Name, string Error)> s_kernel = new Lazy<(byte[], string, string)>(Fetch);

        /// <summary>The vmlinuz bytes and file name; fails the calling test when they cannot be had.</summary>
        public static (byte[] Image, string Name) Get()
        {
            (byte[] image, string name, string error) = s_kernel.Value;
            Assert.True(error == null, error);
            return (image, name);
        }

        private static (byte[], string, string) Fetch()
        {
            try
            {
                string root = TableGenerator.FindRepositoryRoot(AppContext.BaseDirectory)
                              ?? throw new InvalidOperationException("no BareVisor.sln above " + AppContext.BaseDirectory);
                string vmlinuz = GuestKernel.Fetch(GuestKernel.CacheDirectory(root));
                return (File.ReadAllBytes(vmlinuz), Path.GetFileName(vmlinuz), null);
            }
            catch (Exception e)
            {
                return (null, null, "could not get Debian's " + MetaPackage + " with apt-get: " + e.Message);
            }
        }
    }
}
