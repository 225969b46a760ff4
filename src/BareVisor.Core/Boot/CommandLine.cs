// Runs at boot, may allocate. Parses the kernel command line: space-separated key or key=value, values may be "quoted".
using System;
using System.Collections.Generic;

namespace BareVisor.Core.Boot
{
    public sealed class CommandLine
    {
        private readonly string[] keys;     // one per option, in order, duplicates kept
        private readonly string[] values;   // "" for a bare key

        private CommandLine(string[] keys, string[] values)
        {
            this.keys = keys;
            this.values = values;
            Keys = Distinct(keys);
        }

        /// <summary>The distinct option names, in the order they first appear.</summary>
        public string[] Keys { get; }

        public static CommandLine Parse(string text)
        {
            List<string> keys = new List<string>();
            List<string> values = new List<string>();
            if (text != null)
            {
                char[] token = new char[text.Length];
                int position = 0;
                while (NextToken(text, ref position, token, out int length, out int equals))
                    AddOption(token, length, equals, keys, values);
            }
            return new CommandLine(keys.ToArray(), values.ToArray());
        }

        /// <summary>The value of key (the last one wins, as on Linux); "" for a bare key; null if absent.</summary>
        public string Get(string key)
        {
            for (int i = keys.Length - 1; i >= 0; i--)
            {
                if (keys[i] == key)
                    return values[i];
            }
            return null;
        }

        public bool Has(string key) => Get(key) != null;

        /// <summary>The keys that are not in known, so the kernel can warn about typos.</summary>
        public string[] Unknown(string[] known)
        {
            List<string> unknown = new List<string>();
            for (int i = 0; i < Keys.Length; i++)
            {
                if (IndexOf(known, Keys[i]) < 0)
                    unknown.Add(Keys[i]);
            }
            return unknown.ToArray();
        }

        // Copies the next token into token without its quotes; equals is the index of the first
        // '=' outside quotes, or -1. Returns false when only spaces remain.
        private static bool NextToken(string text, ref int position, char[] token, out int length, out int equals)
        {
            length = 0;
            equals = -1;
            while (position < text.Length && IsSpace(text[position]))
                position++;
            if (position >= text.Length)
                return false;
            bool quoted = false;
            for (; position < text.Length && (quoted || !IsSpace(text[position])); position++)
            {
                char c = text[position];
                if (c == '"')
                {
                    quoted = !quoted;
                    continue;
                }
                if (c == '=' && !quoted && equals < 0)
                {
                    equals = length;
                    continue;
                }
                token[length++] = c;
            }
            return true;
        }

        private static void AddOption(char[] token, int length, int equals, List<string> keys, List<string> values)
        {
            ReadOnlySpan<char> chars = new ReadOnlySpan<char>(token).Slice(0, length);
            if (equals < 0)
            {
                keys.Add(new string(chars));
                values.Add("");
                return;
            }
            keys.Add(new string(chars.Slice(0, equals)));
            values.Add(new string(chars.Slice(equals)));
        }

        private static bool IsSpace(char c) => c == ' ' || c == '\t' || c == '\n' || c == '\r';

        private static int IndexOf(string[] list, string item)
        {
            for (int i = 0; i < list.Length; i++)
            {
                if (list[i] == item)
                    return i;
            }
            return -1;
        }

        private static string[] Distinct(string[] all)
        {
            List<string> distinct = new List<string>();
            for (int i = 0; i < all.Length; i++)
            {
                if (IndexOf(all, all[i]) == i)
                    distinct.Add(all[i]);
            }
            return distinct.ToArray();
        }
    }
}
