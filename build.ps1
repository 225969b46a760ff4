<#
.SYNOPSIS
    Builds, runs and tests BareVisor.
.DESCRIPTION
    build.ps1 [build]        kernel object (ILC) + NASM objects -> artifacts/barevisor.elf (with an
                             embedded symbol table) -> artifacts/barevisor.iso (GRUB, BIOS + UEFI)
    build.ps1 run            build, then boot BareVisor with the default Linux guest (Debian's
                             kernel + a busybox initramfs) in the best emulator here
                             (-Emulator to choose; -Guest none boots BareVisor alone)
    build.ps1 test           build, then run every test project; ends with "Tests: N passed, N failed"
    build.ps1 bench          build, then time VM-exit round trips in Bochs -> artifacts/bench.json
    build.ps1 clean          remove artifacts/
    On a machine without PowerShell: dotnet tool restore; dotnet pwsh build.ps1 ...
#>
param(
    [ValidateSet('build', 'run', 'test', 'bench', 'clean')]
    [string] $Command = 'build',
    [ValidateSet('auto', 'bochs', 'qemu', 'kvm')]
    [string] $Emulator = 'auto',
    [ValidateSet('linux', 'none')]
    [string] $Guest = 'linux'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = $PSScriptRoot
$Artifacts = Join-Path $Root 'artifacts'
$ObjDir = Join-Path $Artifacts 'obj'
$KernelProject = Join-Path $Root 'src/BareVisor.Kernel/BareVisor.Kernel.csproj'
$KernelObject = Join-Path $Artifacts 'build/obj/BareVisor.Kernel/release_linux-x64/native/BareVisor.Kernel.o'
$IlcVersion = '10.0.12'

# Debian packages the build, the emulators and the tests need, by the command that proves each is there
# (acpica-tools: the guest ACPI tables are checked with iasl and acpiexec).
$Packages = [ordered]@{
    'nasm' = 'nasm'; 'ld.lld' = 'lld'; 'nm' = 'binutils'; 'grub-mkrescue' = 'grub-common'
    'xorriso' = 'xorriso'; 'mformat' = 'mtools'; '/usr/lib/grub/i386-pc/modinfo.sh' = 'grub-pc-bin'
    '/usr/lib/grub/x86_64-efi/modinfo.sh' = 'grub-efi-amd64-bin'; 'qemu-system-x86_64' = 'qemu-system-x86'
    '/usr/share/OVMF/OVMF_CODE_4M.fd' = 'ovmf'; 'bochs' = 'bochs'; '/usr/share/bochs/BIOS-bochs-latest' = 'bochsbios'
    '/usr/share/vgabios/vgabios.bin' = 'vgabios'; '/usr/lib/ipxe/qemu' = 'ipxe-qemu'; 'iasl' = 'acpica-tools'
}

function Invoke-Checked([string] $What, [scriptblock] $Action) {
    & $Action
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

function Install-MissingPackages {
    $missing = @($Packages.GetEnumerator() | Where-Object {
            -not ((Test-Path $_.Key) -or (Get-Command $_.Key -ErrorAction SilentlyContinue))
        } | ForEach-Object { $_.Value } | Select-Object -Unique)
    if ($missing.Count -eq 0) { return }
    $install = "apt-get install -y --no-install-recommends $($missing -join ' ')"
    if ((& id -u) -ne '0') {
        throw "Missing Debian packages. Run: sudo apt-get update && sudo $install"
    }
    Write-Host "Installing missing Debian packages: $($missing -join ', ')"
    Invoke-Checked 'apt-get update' { apt-get update -qq }
    Invoke-Checked 'apt-get install' { $env:DEBIAN_FRONTEND = 'noninteractive'; bash -c "$install -qq" }
}

function Build-KernelObject {
    Invoke-Checked 'dotnet publish (ILC)' { dotnet publish $KernelProject -c Release -nologo -v:q -warnaserror }
    $assets = Get-Content (Join-Path $Artifacts 'build/obj/BareVisor.Kernel/project.assets.json') -Raw
    if ($assets -notmatch "Microsoft.DotNet.ILCompiler/$([regex]::Escape($IlcVersion))") {
        throw "ILCompiler $IlcVersion expected (BareVisor.Runtime implements its contract); check global.json's SDK"
    }
}

function Build-AsmObjects {
    New-Item -ItemType Directory -Force $ObjDir | Out-Null
    $sources = @(Get-ChildItem (Join-Path $Root 'boot') -Filter *.asm) + @(Get-ChildItem (Join-Path $Root 'src/BareVisor.Runtime/Abi') -Filter *.asm)
    foreach ($source in $sources) {
        $out = Join-Path $ObjDir "$($source.BaseName).o"
        Invoke-Checked "nasm $($source.Name)" { nasm -f elf64 -o $out $source.FullName }
        $out
    }
}

# Two passes: the symbol table sits after .data and before .bss (linker/kernel.ld), so embedding
# it moves no code or data symbol; only symbols below it are listed.
function Link-Kernel([string[]] $Objects) {
    $symbolsAsm = Join-Path $ObjDir 'symbols.asm'
    $symbolsObj = Join-Path $ObjDir 'symbols.o'
    $symbolsTxt = Join-Path $ObjDir 'symbols.txt'
    $pass1 = Join-Path $ObjDir 'barevisor.pass1.elf'
    $pass2 = Join-Path $ObjDir 'barevisor.pass2.elf'
    $elf = Join-Path $Artifacts 'barevisor.elf'
    Set-Content $symbolsTxt -Value '' -NoNewline
    Set-Content $symbolsAsm "section .symbols`nincbin `"$symbolsTxt`"`ndb 0`n"
    Invoke-Checked 'nasm symbols' { nasm -f elf64 -o $symbolsObj $symbolsAsm }
    Invoke-Checked 'ld.lld (pass 1)' { ld.lld -T (Join-Path $Root 'linker/kernel.ld') -o $pass1 @Objects $symbolsObj $KernelObject }

    $symbols = Get-KernelSymbols $pass1
    [IO.File]::WriteAllText($symbolsTxt, (($symbols | ForEach-Object { '{0:x16} {1}' -f $_.Address, $_.Name }) -join "`n") + "`n")
    Invoke-Checked 'nasm symbols' { nasm -f elf64 -o $symbolsObj $symbolsAsm }
    Invoke-Checked 'ld.lld (pass 2)' { ld.lld -T (Join-Path $Root 'linker/kernel.ld') -o $pass2 @Objects $symbolsObj $KernelObject }

    $final = Get-KernelSymbols $pass2
    if ($final.Count -ne $symbols.Count -or ($final[-1].Address -ne $symbols[-1].Address)) {
        throw 'embedding the symbol table moved code or data symbols; check linker/kernel.ld'
    }
    # The ELF's own symbol table duplicates the embedded one.
    Invoke-Checked 'strip' { strip --strip-all -o $elf $pass2 }
    $elf
}

# Code symbols and type descriptors (which name exception types in panics), shortened for the
# embedded table: no assembly prefix ("BareVisor_Kernel_"), generic arguments elided ("<>").
function Get-KernelSymbols([string] $Elf) {
    $all = nm -n --defined-only $Elf
    $bounds = @{}
    foreach ($line in $all) {
        $parts = $line -split ' '
        if ($parts[2] -in '__image_start', '__symbols_start') { $bounds[$parts[2]] = [Convert]::ToUInt64($parts[0], 16) }
    }
    @($all | ForEach-Object {
            $parts = $_ -split ' ', 3
            $address = [Convert]::ToUInt64($parts[0], 16)
            $isCode = $parts[1] -in 'T', 't' -and -not $parts[2].StartsWith('.L')
            $isType = $parts[2].StartsWith('_ZTV')
            if ($address -ge $bounds['__image_start'] -and $address -lt $bounds['__symbols_start'] -and ($isCode -or $isType)) {
                $name = $parts[2] -replace '^(_ZTV\d+)?BareVisor_(Kernel|Runtime)_', '' -replace '<[^>]*(<[^>]*>[^>]*)*>', '<>'
                [pscustomobject]@{ Address = $address; Name = $name }
            }
        })
}

function Build-All {
    $watch = [Diagnostics.Stopwatch]::StartNew()
    Install-MissingPackages
    Build-KernelObject
    $objects = Build-AsmObjects
    $elf = Link-Kernel $objects
    $iso = Join-Path $Artifacts 'barevisor.iso'
    Invoke-Checked 'make-iso' { bash (Join-Path $Root 'tools/make-iso.sh') $elf $iso }
    Write-Host ("Built {0} ({1:N0} bytes) and {2} in {3:N1} s" -f $elf, (Get-Item $elf).Length, $iso, $watch.Elapsed.TotalSeconds)
}

function Invoke-Tests {
    $log = Join-Path $Artifacts 'test-output.txt'
    dotnet test (Join-Path $Root 'BareVisor.sln') -c Release --nologo 2>&1 | Tee-Object -FilePath $log
    $testExit = $LASTEXITCODE
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($line in Get-Content $log) {
        if ($line -match 'Failed:\s+(\d+), Passed:\s+(\d+), Skipped:\s+(\d+)') {
            $failed += [int]$Matches[1]; $passed += [int]$Matches[2]; $skipped += [int]$Matches[3]
        }
    }
    Write-Host "Tests: $passed passed, $failed failed, $skipped skipped"
    if ($testExit -ne 0 -or $failed -gt 0 -or $passed -eq 0) { exit 1 }
}

switch ($Command) {
    'clean' { Remove-Item -Recurse -Force $Artifacts -ErrorAction SilentlyContinue }
    'build' { Build-All }
    'run' {
        Build-All
        $iso = Join-Path $Artifacts 'barevisor.iso'
        if ($Guest -eq 'linux') {
            # Fetches Debian's kernel and busybox-static with apt-get (cached) and packs the ISO.
            $lines = @(dotnet run --project (Join-Path $Root 'tools/BareVisor.LinuxGuest') -c Release -- --kernel (Join-Path $Artifacts 'barevisor.elf'))
            if ($LASTEXITCODE -ne 0) { $lines | Write-Host; throw 'building the default Linux guest failed' }
            $iso = $lines[-1].Trim()
        }
        dotnet run --project (Join-Path $Root 'tools/BareVisor.Run') -c Release -- --emulator $Emulator --iso $iso --timeout 3600
        exit $LASTEXITCODE
    }
    'test' {
        Build-All
        Invoke-Tests
    }
    'bench' {
        Build-All
        dotnet run --project (Join-Path $Root 'tools/BareVisor.Bench') -c Release
        exit $LASTEXITCODE
    }
}
