#!/usr/bin/env bash
# Runs on the build host (Linux). Packs a kernel ELF into a hybrid BIOS + UEFI GRUB ISO whose
# console is COM1, so the same image boots in QEMU, Bochs and on hardware with a serial line.
# Usage: tools/make-iso.sh <kernel.elf> <out.iso> [kernel command line...]
set -euo pipefail

if [[ $# -lt 2 ]]; then
    echo "usage: $0 <kernel.elf> <out.iso> [kernel command line...]" >&2
    exit 2
fi
kernel=$1
out=$2
shift 2
cmdline="$*"

if [[ ! -f $kernel ]]; then
    echo "make-iso: kernel '$kernel' not found" >&2
    exit 1
fi

# grub-mkrescue silently produces a BIOS-only or broken image when a helper is missing, so name
# the missing piece and its Debian package up front.
require() {
    local path=$1 package=$2
    if [[ ! -e $path ]] && ! command -v "$path" >/dev/null 2>&1; then
        echo "make-iso: '$path' is missing; install the Debian package '$package'" >&2
        exit 1
    fi
}
require grub-mkrescue grub-common
require xorriso xorriso
require mformat mtools
require /usr/lib/grub/i386-pc/modinfo.sh grub-pc-bin
require /usr/lib/grub/x86_64-efi/modinfo.sh grub-efi-amd64-bin

staging=$(mktemp -d)
# The log stays outside the staging tree: grub-mkrescue packs that whole tree, and a log growing
# while xorriso reads it fails the build ("Size of file ... has changed").
log=$(mktemp)
trap 'rm -rf "$staging" "$log"' EXIT
mkdir -p "$staging/boot/grub"
cp "$kernel" "$staging/boot/barevisor.elf"

# timeout=0 boots at once; the serial terminal is what the test harness reads.
cat >"$staging/boot/grub/grub.cfg" <<CFG
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
menuentry "BareVisor" {
    multiboot2 /boot/barevisor.elf $cmdline
    boot
}
CFG

mkdir -p "$(dirname "$out")"
if ! grub-mkrescue -o "$out" "$staging" >"$log" 2>&1; then
    echo "make-iso: grub-mkrescue failed:" >&2
    cat "$log" >&2
    exit 1
fi
