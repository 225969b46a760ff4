// Self-tests of BareVisor on several CPUs, chosen on the command line (for the Bochs SMP tests):
//   selftest=smp        every AP, once in VMX root, allocates and frees pages and heap objects and
//                       logs lines, concurrently with the others; the BSP then checks that no page
//                       or heap block was handed out twice (each AP tags what it got and finds its
//                       tags intact before it frees), that the page counts balance and the heap's
//                       byte count lost nothing. The test reads the log lines for torn ones.
//   fault=pagefault-ap  the last AP reads page 0: its panic must name it and stop the others.
//   fault=pagefault-aps every AP reads page 0 at once: one report wins, the others halt.
// APs wait in OnAp (interrupts off, PAUSE) until the BSP releases them from Run, after the boot
// report; the BSP waits for them. Never triggered otherwise: without these options an AP parks.
using System.Runtime;
using BareVisor.Core.Memory;
using BareVisor.Core.Text;
using BareVisor.Kernel.Arch;
using BareVisor.Kernel.Console;
using BareVisor.Kernel.Memory;
using BareVisor.Kernel.Platform;
using BareVisor.Kernel.Smp;

namespace BareVisor.Kernel.SelfTest
{
    internal static unsafe class SmpSelfTest
    {
        internal const int Rounds = 32;
        internal const int PagesPerRound = 4;
        private const int KeptArrays = 8;
        private const int LargeArrayBytes = 24 * 1024;      // 3 APs x 32 rounds: more than a 2 MiB heap chunk
        private const ulong TagMagic = 0x5A4D5000_00000000; // "SMP" in the tag's high bytes
        private const ulong WaitMicroseconds = 60 * 1000000UL;
        private const ulong FaultWaitMicroseconds = 2 * 1000000UL;
        internal const string LineText = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

        private enum Mode { None, Smp, PageFaultOnAp, PageFaultOnEveryAp }

        // Per AP, by CPU index; written by that AP only, read by the BSP once Done is set.
        private struct Result
        {
            public volatile bool Done;
            public ulong PagesAllocated;
            public ulong PagesFreed;
            public ulong HeapBytes;
            public ulong Errors;
        }

        private static Mode s_mode;
        private static volatile bool s_released;
        private static Result* s_results;
        private static ulong s_arrayOverhead;

        // On the BSP, before the APs start.
        internal static void Configure(string selfTest, string fault)
        {
            s_mode = selfTest == "smp" ? Mode.Smp
                : fault == "pagefault-ap" ? Mode.PageFaultOnAp
                : fault == "pagefault-aps" ? Mode.PageFaultOnEveryAp
                : Mode.None;
            if (s_mode != Mode.None)
                s_results = (Result*)KernelHeap.AllocateZeroed(sizeof(Result) * Cpus.Limit, 64);
        }

        // On each AP in VMX root, interrupts off; returns at once unless a test was asked for.
        internal static void OnAp(PerCpu* cpu)
        {
            if (s_mode == Mode.None)
                return;
            while (!s_released)
                Native.Pause();
            if (s_mode == Mode.Smp)
                Work(cpu->Index, ref s_results[cpu->Index]);
            else if (s_mode == Mode.PageFaultOnEveryAp || cpu->Index == Cpus.Count - 1)
                FaultInjection.TouchPageZero(null);
        }

        // On the BSP after the boot report: releases the APs and checks what they did.
        internal static void Run()
        {
            if (s_mode == Mode.None)
                return;
            if (Cpus.Count < 2)
            {
                Log.Warning("selftest: smp needs at least 2 CPUs in VMX root; skipped");
                return;
            }
            ulong freeBefore = PhysicalMemory.FreePages;
            ulong heapBefore = RuntimeHost.HeapAllocatedBytes;
            ulong chunksBefore = RuntimeHost.HeapChunkBytes;
            s_arrayOverhead = ArrayOverhead();
            heapBefore = RuntimeHost.HeapAllocatedBytes;
            Log.Info(Messages.WithDecimal("selftest: smp: releasing ", (ulong)(Cpus.Count - 1), " AP(s)"));
            s_released = true;
            if (s_mode != Mode.Smp)
            {
                Clock.WaitMicroseconds(FaultWaitMicroseconds);
                Log.Error("selftest: no AP faulted, or its panic did not stop this CPU");
                return;
            }
            ulong start = Clock.MicrosecondsSinceEntry();
            while (!AllDone() && Clock.MicrosecondsSinceEntry() - start < WaitMicroseconds)
                Native.Pause();
            Check(freeBefore, heapBefore, chunksBefore);
        }

        private static void Work(int index, ref Result result)
        {
            ulong* pages = stackalloc ulong[PagesPerRound];
            byte[][] kept = new byte[KeptArrays][];
            result.HeapBytes += ArrayBytes(KeptArrays * (ulong)sizeof(nint));
            TextBuffer line = new TextBuffer(stackalloc char[160]);
            for (int round = 0; round < Rounds; round++)
            {
                for (int k = 0; k < PagesPerRound; k++)
                {
                    HostPhysical page = PhysicalMemory.AllocatePage();
                    pages[k] = page.Value;
                    result.PagesAllocated++;
                    ulong* words = (ulong*)page.Value;
                    words[0] = Tag(index, round, k);
                    words[511] = ~Tag(index, round, k);
                }
                int slot = round % KeptArrays;
                if (kept[slot] != null && !Intact(kept[slot], index))
                    result.Errors++;
                int length = 64 + round * 37 % 512 + LargeArrayBytes;
                kept[slot] = new byte[length];
                result.HeapBytes += ArrayBytes((ulong)length);
                Fill(kept[slot], index);

                line.Clear();
                line.Append("smp: cpu ");
                line.AppendDecimal((ulong)index);
                line.Append(" round ");
                line.AppendDecimal((ulong)round);
                line.Append(' ');
                line.Append(LineText);
                Log.Info(line.Text);

                for (int k = 0; k < PagesPerRound; k++)
                {
                    ulong* words = (ulong*)pages[k];
                    if (words[0] != Tag(index, round, k) || words[511] != ~Tag(index, round, k))
                        result.Errors++;
                    PhysicalMemory.Free(new HostPhysical(pages[k]), 1);
                    result.PagesFreed++;
                }
            }
            for (int slot = 0; slot < KeptArrays; slot++)
            {
                if (kept[slot] != null && !Intact(kept[slot], index))
                    result.Errors++;
            }
            result.Done = true;
        }

        private static void Check(ulong freeBefore, ulong heapBefore, ulong chunksBefore)
        {
            ulong pages = 0, freed = 0, heapBytes = 0, errors = 0;
            int done = 0;
            for (int i = 1; i < Cpus.Count; i++)
            {
                ref Result r = ref s_results[i];
                if (!r.Done)
                    continue;
                done++;
                pages += r.PagesAllocated;
                freed += r.PagesFreed;
                heapBytes += r.HeapBytes;
                errors += r.Errors;
            }
            int aps = Cpus.Count - 1;
            ulong chunkPages = (RuntimeHost.HeapChunkBytes - chunksBefore) / PhysicalPageAllocator.PageSize;
            ulong freeAfter = PhysicalMemory.FreePages;
            ulong heapGrowth = RuntimeHost.HeapAllocatedBytes - heapBefore;
            TextBuffer line = new TextBuffer(stackalloc char[240]);
            line.Append("selftest: smp: ");
            line.AppendDecimal((ulong)done);
            line.Append(" of ");
            line.AppendDecimal((ulong)aps);
            line.Append(" AP(s) done; pages allocated ");
            line.AppendDecimal(pages);
            line.Append(", freed ");
            line.AppendDecimal(freed);
            line.Append("; tags or patterns overwritten ");
            line.AppendDecimal(errors);
            line.Append("; free pages ");
            line.AppendDecimal(freeBefore);
            line.Append(" before, ");
            line.AppendDecimal(freeAfter + chunkPages);
            line.Append(" after (heap chunks counted back); heap bytes ");
            line.AppendDecimal(heapBytes);
            line.Append(" asked, ");
            line.AppendDecimal(heapGrowth);
            line.Append(" counted");
            bool ok = done == aps && pages == freed && pages == (ulong)aps * Rounds * PagesPerRound && errors == 0
                && freeAfter + chunkPages == freeBefore && heapGrowth >= heapBytes && heapGrowth - heapBytes < PhysicalPageAllocator.PageSize;
            if (ok)
                Log.Info(line.Text);
            else
                Log.Error(line.Text);
            Log.Info(ok ? "selftest: smp passed" : "selftest: smp FAILED");
        }

        // What an empty array costs the heap (object header, type, length), measured once on the BSP.
        private static ulong ArrayOverhead()
        {
            ulong before = RuntimeHost.HeapAllocatedBytes;
            byte[] probe = new byte[0];
            return RuntimeHost.HeapAllocatedBytes - before + (ulong)probe.Length;
        }

        // What an array with elementBytes of elements costs the heap: the bump allocator rounds to 8.
        private static ulong ArrayBytes(ulong elementBytes) => (s_arrayOverhead + elementBytes + 7) & ~7UL;

        private static bool AllDone()
        {
            for (int i = 1; i < Cpus.Count; i++)
            {
                if (!s_results[i].Done)
                    return false;
            }
            return true;
        }

        private static ulong Tag(int cpu, int round, int k) => TagMagic | ((ulong)(uint)cpu << 32) | ((ulong)(uint)round << 8) | (uint)k;

        private static void Fill(byte[] array, int cpu)
        {
            for (int i = 0; i < array.Length; i += 64)
                array[i] = (byte)(0xC0 + cpu);
            array[array.Length - 1] = (byte)(0xC0 + cpu);
        }

        private static bool Intact(byte[] array, int cpu)
        {
            for (int i = 0; i < array.Length; i += 64)
            {
                if (array[i] != (byte)(0xC0 + cpu))
                    return false;
            }
            return array[array.Length - 1] == (byte)(0xC0 + cpu);
        }
    }
}
