// Runs at boot, may allocate. The growing lists behind an AcpiInfo while the tables are walked.
using System.Collections.Generic;

namespace BareVisor.Core.Acpi
{
    internal sealed class AcpiParseState
    {
        public readonly AcpiInfo Info = new AcpiInfo();
        public readonly List<uint> LocalApicIds = new List<uint>();
        public readonly List<bool> LocalApicEnabled = new List<bool>();
        public readonly List<MadtIoApic> IoApics = new List<MadtIoApic>();
        public readonly List<string> TableSignatures = new List<string>();
        public readonly List<string> Warnings = new List<string>();
        public bool HasMadt;

        public void AddLocalApicId(uint id, bool enabled)
        {
            // A processor may appear as both a type 0 and a type 9 entry; list it once, enabled
            // when either entry says so.
            for (int i = 0; i < LocalApicIds.Count; i++)
            {
                if (LocalApicIds[i] == id)
                {
                    LocalApicEnabled[i] |= enabled;
                    return;
                }
            }
            LocalApicIds.Add(id);
            LocalApicEnabled.Add(enabled);
        }

        public AcpiInfo Finish()
        {
            Info.LocalApicIds = LocalApicIds.ToArray();
            Info.LocalApicEnabled = LocalApicEnabled.ToArray();
            Info.IoApics = IoApics.ToArray();
            Info.TableSignatures = TableSignatures.ToArray();
            Info.Warnings = Warnings.ToArray();
            return Info;
        }
    }
}
