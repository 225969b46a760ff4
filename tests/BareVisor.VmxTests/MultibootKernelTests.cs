// Host side, no emulator. Guest programs built as Multiboot1 and Multiboot2 kernels: the header,
// the entry after it, and that BareVisor's own loader and configuration parser (Core, as the kernel
// runs them) accept the image and its configuration section.
using System;
using System.Linq;
using BareVisor.Core.Config;
using BareVisor.Core.Guests;
using BareVisor.Core.Loaders;
using BareVisor.Guests;
using Iced.Intel;
using Xunit;
using GuestImage = BareVisor.Guests.GuestImage;

namespace BareVisor.VmxTests;

public sealed class MultibootKernelTests
{
    private static GuestImage SmallKernel() => GuestProgram.MultibootKernel("mb", "a kernel", 8).PowerOff(0).Build();

    [Fact]
    public void ImageStartsWithAMultiboot1HeaderWithAoutKludgeAddresses()
    {
        GuestImage image = SmallKernel();
        uint[] header = Enumerable.Range(0, 8).Select(i => BitConverter.ToUInt32(image.Bytes, i * 4)).ToArray();
        Assert.Equal(0x1BADB002u, header[0]);
        Assert.Equal(1u << 16, header[1]);
        Assert.Equal(0u, unchecked(header[0] + header[1] + header[2]));
        Assert.Equal([0x100000u, 0x100000u, 0u, 0u, 0x100020u], header[3..]);
        Assert.Equal(0x100020UL, image.EntryAddress);
        Assert.Equal(GuestMode.Protected, image.Mode);
        Assert.True(image.IsMultibootKernel);
    }

    [Fact]
    public void CodeStartsAfterTheHeaderAndReloadsItsSegmentsFirst()
    {
        GuestImage image = SmallKernel();
        var code = image.DecodeCode().ToList();
        Assert.Equal(image.EntryAddress, code[0].IP);
        Assert.Equal(Code.Cli, code[0].Code);
        // Multiboot leaves ESP and GDTR undefined: a stack, LGDT, then a far return to CS 0x08.
        Assert.Equal(Register.ESP, code[1].Op0Register);
        int lgdt = code.FindIndex(i => i.Mnemonic == Mnemonic.Lgdt);
        int retf = code.FindIndex(i => i.Mnemonic == Mnemonic.Retf);
        Assert.True(lgdt > 1 && retf > lgdt, image.Listing());
        Assert.Equal(0x08u, code[retf - 2].Immediate32);
        Assert.Equal(image.Labels["multiboot-cs-reloaded"], code[retf - 1].Immediate32);
        Assert.Equal(image.Labels["multiboot-cs-reloaded"], code[retf].NextIP);
        Assert.Contains("multiboot header: db 0x02, 0xb0, 0xad, 0x1b", image.Listing());
    }

    [Fact]
    public void BareVisorsLoaderPlansItAsAMultiboot1Kernel()
    {
        GuestImage image = PlatformGuest.Kernel();
        Assert.Equal(GuestImageFormat.Multiboot1, Core.Loaders.GuestImage.Detect(image.Bytes));
        var parameters = new MultibootParameters { Memory = GuestMemoryLayout.StandardPc((ulong)PlatformGuest.MemoryMiB << 20) };
        Assert.True(MultibootLoader.TryPlan(image.Bytes, parameters, out LoadPlan plan, out string error), error);
        Assert.Equal("Multiboot1 a.out kludge", plan.Format);
        Assert.Empty(plan.Warnings);
        Assert.Equal(GuestStartMode.Protected, plan.Start.Mode);
        Assert.Equal(image.EntryAddress, plan.Start.Rip);
        Assert.True(plan.TryFindSegment("kernel", out LoadSegment kernel));
        Assert.Equal(image.LoadAddress, kernel.Address.Value);
        Assert.Equal(LoadSource.Image, kernel.Source);
        Assert.Equal(0UL, kernel.SourceOffset);
        Assert.Equal((ulong)image.Bytes.Length, kernel.SourceLength);
        Assert.Equal(0UL, kernel.ZeroFillLength);
    }

    [Fact]
    public void ItsConfigurationSectionParsesAndNamesItsModule()
    {
        GuestImage image = PlatformGuest.Kernel();
        Assert.Equal("platform.bin", image.ModuleArguments);
        GuestConfigResult config = GuestConfigParser.Parse(GuestIso.Configuration([TestGuests.RealModeCpuid(), image]));
        Assert.Empty(config.Errors);
        VmConfig vm = Assert.Single(config.Vms);
        Assert.Equal(PlatformGuest.Name, vm.Name);
        Assert.Equal(image.ModuleArguments, vm.Kernel);
        Assert.Equal((ulong)PlatformGuest.MemoryMiB << 20, vm.MemoryBytes);
        Assert.Equal(1, vm.Vcpus);
    }

    [Fact]
    public void AMultiboot2ImageStartsWithItsHeaderAddressAndEntryTags()
    {
        GuestImage image = Multiboot2Guest.Kernel();
        uint U32(int offset) => BitConverter.ToUInt32(image.Bytes, offset);
        Assert.Equal(MultibootFormat.Multiboot2, image.Multiboot);
        Assert.Equal(0xE85250D6u, U32(0));
        Assert.Equal(0u, U32(4));
        Assert.Equal((uint)GuestProgram.Multiboot2HeaderBytes, U32(8));
        Assert.Equal(0u, unchecked(U32(0) + U32(4) + U32(8) + U32(12)));
        Assert.Equal([2u, 24u, 0x100000u, 0x100000u, 0u, 0u], new[] { U32(16) & 0xFFFF, U32(20), U32(24), U32(28), U32(32), U32(36) });
        Assert.Equal([3u, 12u, 0x100040u], new[] { U32(40) & 0xFFFF, U32(44), U32(48) });
        Assert.Equal([0u, 8u], new[] { U32(56), U32(60) });
        Assert.Equal(0x100040UL, image.EntryAddress);
        Assert.Equal(Code.Cli, image.DecodeCode().First().Code);
    }

    [Fact]
    public void BareVisorsLoaderPlansItAsAMultiboot2KernelWithTheBootloaderMagic()
    {
        GuestImage image = Multiboot2Guest.Kernel();
        Assert.Equal(GuestImageFormat.Multiboot2, Core.Loaders.GuestImage.Detect(image.Bytes));
        var parameters = new MultibootParameters { Memory = GuestMemoryLayout.StandardPc((ulong)Multiboot2Guest.MemoryMiB << 20) };
        Assert.True(MultibootLoader.TryPlan(image.Bytes, parameters, out LoadPlan plan, out string error), error);
        Assert.StartsWith("Multiboot2 ", plan.Format);
        Assert.Empty(plan.Warnings);
        Assert.Equal(GuestStartMode.Protected, plan.Start.Mode);
        Assert.Equal(image.EntryAddress, plan.Start.Rip);
        Assert.Equal(Multiboot2Guest.BootloaderMagic, plan.Start.Rax);
        Assert.True(plan.TryFindSegment("kernel", out LoadSegment kernel));
        Assert.Equal(image.LoadAddress, kernel.Address.Value);
        Assert.Equal((ulong)image.Bytes.Length, kernel.SourceLength);
        // The information structure must not land on the slots, stack or tables the guest uses.
        GuestLayout layout = GuestLayout.For(GuestMode.Protected);
        Assert.True(plan.Start.Rbx % 8 == 0 && plan.Start.Rbx != 0, $"EBX 0x{plan.Start.Rbx:x}");
        Assert.False(plan.Start.Rbx >= layout.MultibootStackTop - 0x1000 && plan.Start.Rbx < layout.KernelStackTop,
                     $"the information structure at 0x{plan.Start.Rbx:x} overlaps the guest's slots and tables");
    }

    [Fact]
    public void TheMultiboot2KernelsConfigurationSectionParses()
    {
        GuestImage image = Multiboot2Guest.Kernel();
        GuestConfigResult config = GuestConfigParser.Parse(GuestIso.Configuration([PlatformGuest.Kernel(), image]));
        Assert.Empty(config.Errors);
        Assert.Equal([PlatformGuest.Name, Multiboot2Guest.Name], config.Vms.Select(v => v.Name));
        Assert.Equal((ulong)Multiboot2Guest.MemoryMiB << 20, config.Vms[1].MemoryBytes);
    }

    [Fact]
    public void AModuleGuestHasNoConfigurationSection()
    {
        Assert.Null(TestGuests.RealModeCpuid().ConfigSection);
        Assert.Null(GuestIso.Configuration([TestGuests.RealModeCpuid()]));
        // A module guest starts at its first byte: 0x7c00 in real mode.
        Assert.Equal(0x7C00UL, TestGuests.RealModeCpuid().EntryAddress);
    }
}
