// `selftest=runtime`: exercises BareVisor.Runtime inside the real kernel (allocation, strings,
// statics and static constructors, virtual and interface dispatch, casts, boxing, generics,
// delegates, spans, lists) and reports each failed check by name. Runs at boot, after the page
// allocator exists, so heap growth beyond the boot heap is exercised too.
using System;
using System.Collections.Generic;
using BareVisor.Core.Text;
using BareVisor.Kernel.Console;

namespace BareVisor.Kernel.SelfTest
{
    internal static class RuntimeChecks
    {
        private static int s_passed;
        private static int s_failed;

        internal static void Run()
        {
            Check("string concat and equality", "Bare" + "Visor" + new string('2', 1) == "BareVisor2");
            Check("string substring and search", "hypervisor".Substring(5) == "visor" && "hypervisor".IndexOf('v') == 5);
            CheckStatics();
            CheckDispatch();
            CheckCasts();
            CheckGenericsAndBoxing();
            CheckCollections();
            CheckLargeAllocation();
            Report();
        }

        private static void CheckStatics()
        {
            Check("static constructor ran once", Counter.ConstructorRuns == 1 && Counter.ConstructorRuns == 1);
            Counter.Names.Add("first");
            Counter.Names.Add("second");
            Check("mutable static of class type", Counter.Names.Count == 2 && Counter.Names[1] == "second");
            Check("pre-initialised static array", Counter.Primes[4] == 11 && Counter.Primes.Length == 6);
        }

        private static void CheckDispatch()
        {
            IShape[] shapes = { new Square(3), new Rectangle(2, 5), new Cube(2) };
            int area = 0, sides = 0;
            foreach (IShape shape in shapes)
            {
                area += shape.Area();
                sides += shape.Sides;
            }
            Check("interface dispatch over three types", area == 9 + 10 + 7 && sides == 4 + 4 + 4);
            // A second call site of the same interface method: ILC groups the two dispatch cells.
            Check("interface dispatch from a second call site", shapes[2].Area() == 7);
            Animal animal = new Dog();
            Check("virtual and base calls", animal.Describe() == "dog with 4 legs" && animal.ToString() == "animal");
        }

        private static void CheckCasts()
        {
            object shape = new Cube(1);
            Check("class casts", shape is Square && shape is Cube && !(shape is Rectangle));
            Check("interface casts", shape is IShape && (shape as IDisposable) == null);
            object[] objects = new string[] { "a" };
            Check("array covariance", objects[0] is string);
        }

        private static void CheckGenericsAndBoxing()
        {
            object boxed = 42;
            Check("boxing and unboxing", (int)boxed == 42 && boxed is int);
            Check("generics over values and references", Pick(true, 7, 8) == 7 && Pick(false, "x", "y") == "y");
            Func<int, int> twice = x => x * 2;
            int captured = 5;
            Func<int> closure = () => captured + 1;
            Check("delegates and closures", twice(21) == 42 && closure() == 6);
        }

        private static void CheckCollections()
        {
            List<int> list = new List<int>();
            for (int i = 0; i < 100; i++)
                list.Add(i);
            list.RemoveAt(0);
            int sum = 0;
            foreach (int value in list)
                sum += value;
            Check("list growth and enumeration", list.Count == 99 && sum == 4950);
            Span<byte> bytes = stackalloc byte[16];
            bytes.Fill(7);
            Check("span fill and slice", bytes.Slice(4, 4)[3] == 7 && bytes.Length == 16);
        }

        // Bigger than the boot heap: must come from the physical page allocator.
        private static void CheckLargeAllocation()
        {
            byte[] big = new byte[4 * 1024 * 1024];
            big[big.Length - 1] = 0x5A;
            Check("large allocation from the page allocator", big[big.Length - 1] == 0x5A && big[0] == 0);
        }

        private static T Pick<T>(bool first, T a, T b) => first ? a : b;

        private static void Check(string name, bool passed)
        {
            if (passed)
            {
                s_passed++;
                return;
            }
            s_failed++;
            Log.Error("selftest: runtime check failed: " + name);
        }

        private static void Report()
        {
            TextBuffer line = new TextBuffer(stackalloc char[100]);
            line.Append("selftest: runtime ");
            line.Append(s_failed == 0 ? "ok: " : "FAILED: ");
            line.AppendDecimal((ulong)s_passed);
            line.Append(" checks passed, ");
            line.AppendDecimal((ulong)s_failed);
            line.Append(" failed");
            Log.Info(line.Text);
        }

        private interface IShape
        {
            int Area();
            int Sides { get; }
        }

        private class Square : IShape
        {
            private readonly int _side;
            public Square(int side) => _side = side;
            public virtual int Area() => _side * _side;
            public int Sides => 4;
        }

        private sealed class Cube : Square
        {
            public Cube(int side) : base(side) { }
            public override int Area() => base.Area() * 4 / 4 + 3;
        }

        private sealed class Rectangle : IShape
        {
            private readonly int _width, _height;
            public Rectangle(int width, int height)
            {
                _width = width;
                _height = height;
            }
            public int Area() => _width * _height;
            public int Sides => 4;
        }

        private abstract class Animal
        {
            protected abstract int Legs { get; }
            public string Describe() => Name + " with " + (Legs == 4 ? "4" : "?") + " legs";
            protected virtual string Name => "animal";
            public override string ToString() => "animal";
        }

        private sealed class Dog : Animal
        {
            protected override int Legs => 4;
            protected override string Name => "dog";
        }

        private static class Counter
        {
            internal static readonly int ConstructorRuns;
            internal static List<string> Names = new List<string>();
            internal static readonly int[] Primes = { 2, 3, 5, 7, 11, 13 };

            static Counter() => ConstructorRuns++;
        }
    }
}
