// Module initialisation for ILC 10 images: turns ILC's GC static cells into heap objects (copying
// pre-initialised data) and runs eager static constructors. Runs once at boot, interrupts off,
// before any mutable static field of a class type is touched.
namespace Internal.Runtime.CompilerHelpers
{
    internal static unsafe class StartupCodeHelpers
    {
        // ReadyToRunSectionType values (ILC's ModuleHeaders).
        private const int GCStaticRegion = 201;
        private const int EagerCctor = 205;

        private const uint ReadyToRunSignature = 0x00525452; // "RTR"
        private const int HasEndPointer = 1;

        private const nint Uninitialized = 1;
        private const nint HasPreInitializedData = 2;
        private const nint FlagsMask = 3;

        internal static void InitializeModules(nint* modulesStart, nint* modulesEnd)
        {
            for (nint* module = modulesStart; module < modulesEnd; module++)
                ForEachSection((ReadyToRunHeader*)*module, GCStaticRegion, &InitializeStatics);
            for (nint* module = modulesStart; module < modulesEnd; module++)
                ForEachSection((ReadyToRunHeader*)*module, EagerCctor, &RunEagerClassConstructors);
        }

        private static void ForEachSection(ReadyToRunHeader* header, int sectionId, delegate*<byte*, byte*, void> action)
        {
            if (header == null || header->Signature != ReadyToRunSignature)
                return;
            ModuleInfoRow* rows = (ModuleInfoRow*)(header + 1);
            for (int i = 0; i < header->NumberOfSections; i++)
            {
                ModuleInfoRow* row = (ModuleInfoRow*)((byte*)rows + i * header->EntrySize);
                if (row->SectionId == sectionId && (row->Flags & HasEndPointer) != 0)
                    action(row->Start, row->End);
            }
        }

        // Each entry is a 32-bit relative pointer to a static block. A block starts with a
        // relative pointer to the holder type (low bits: flags), optionally followed by one to
        // the pre-initialised data. Initialisation overwrites the block with the holder object.
        private static void InitializeStatics(byte* start, byte* end)
        {
            for (byte* entry = start; entry < end; entry += sizeof(int))
            {
                nint* block = (nint*)ReadRelativePointer(entry);
                nint tagged = (nint)ReadRelativePointer(block);
                if ((tagged & Uninitialized) == 0)
                    continue;
                object holder = Allocator.NewObject((MethodTable*)(tagged & ~FlagsMask));
                if ((tagged & HasPreInitializedData) != 0)
                {
                    byte* data = ReadRelativePointer((int*)block + 1);
                    byte* destination = (byte*)Allocator.AddressOf(holder) + sizeof(nint);
                    uint size = holder.GetRawObjectDataSize();
                    for (uint i = 0; i < size; i++)
                        destination[i] = data[i];
                }
                *block = (nint)Allocator.AddressOf(holder);
            }
        }

        private static void RunEagerClassConstructors(byte* start, byte* end)
        {
            for (byte* entry = start; entry < end; entry += sizeof(int))
                ((delegate*<void>)ReadRelativePointer(entry))();
        }

        private static byte* ReadRelativePointer(void* location) => (byte*)location + *(int*)location;

        private struct ReadyToRunHeader
        {
            public uint Signature;
            public ushort MajorVersion;
            public ushort MinorVersion;
            public uint Flags;
            public ushort NumberOfSections;
            public byte EntrySize;
            public byte EntryType;
        }

        private struct ModuleInfoRow
        {
            public int SectionId;
            public int Flags;
            public byte* Start;
            public byte* End;
        }
    }
}
