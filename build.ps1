<#
.SYNOPSIS
    Builds, packages and tests Ally.
.DESCRIPTION
    Build   : publishes the C# projects and assembles out/Ally (stamped manifest, format file, compiled
              help, Ally's own assemblies (cmdlets, public types) at the root and Ally.Core plus third-party assemblies under
              Dependencies/). The module folder is an explicit list of files; a missing one fails the build.
    Package : Build, then out/Ally.<version>.nupkg for Install-PSResource / Install-Module.
    Test    : Build and Package, then every suite (xunit for Ally.Core, Pester for the built module in a
              child pwsh) and a closing line "N passed, N failed" with the totals.
    QuickTest: Build (no package), then the same suites without the packaging and install tests (tag Install):
              the inner loop of development. CI and the README run Test.
    Clean   : removes out/ and the projects' bin/obj folders.
.EXAMPLE
    dotnet tool restore; dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Package', 'Test', 'QuickTest', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Pester tags to run / skip (e.g. -ExcludeTag Slow).
    [string[]] $Tag,
    [string[]] $ExcludeTag
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$root = $PSScriptRoot
$out = Join-Path $root 'out'
$moduleDir = Join-Path $out 'Ally'
$resultsDir = Join-Path $out 'test-results'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

# Ally's own files at the module root.
$moduleFiles = @(
    'Ally.psd1'
    'Ally.PowerShell.dll'
    'Ally.Types.dll'
    'Ally.Format.ps1xml'
    'Ally.Types.ps1xml'
    'LICENSE'
    'en-US/Ally.PowerShell.dll-Help.xml'
    'en-US/about_Ally.help.txt'
)
# Ally.PowerShell.dll and Ally.Types.dll (the public types scripts name) load into PowerShell's default context.
# Loaded into Ally's own AssemblyLoadContext from Dependencies/ (see docs/ARCHITECTURE.md). A new
# dependency must be added here on purpose: the build fails on a missing or an unlisted assembly.
$dependencyFiles = @(
    'Ally.Core.dll'
    'OllamaSharp.dll'
    'Microsoft.Bcl.AsyncInterfaces.dll'
    'Microsoft.Bcl.Numerics.dll'
    'Microsoft.Extensions.AI.dll'
    'Microsoft.Extensions.AI.Abstractions.dll'
    'Microsoft.Extensions.Caching.Abstractions.dll'
    'Microsoft.Extensions.DependencyInjection.Abstractions.dll'
    'Microsoft.Extensions.Logging.Abstractions.dll'
    'Microsoft.Extensions.Primitives.dll'
    'System.Buffers.dll'
    'System.Collections.Immutable.dll'
    'System.Diagnostics.DiagnosticSource.dll'
    'System.IO.Pipelines.dll'
    'System.Memory.dll'
    'System.Numerics.Tensors.dll'
    'System.Numerics.Vectors.dll'
    'System.Runtime.CompilerServices.Unsafe.dll'
    'System.Text.Encodings.Web.dll'
    'System.Text.Json.dll'
    'System.Threading.Channels.dll'
    'System.Threading.Tasks.Extensions.dll'
    'Tomlyn.dll'
)

function Invoke-Native {
    param([string] $What, [scriptblock] $Command)
    Write-Host "==> $What" -ForegroundColor Cyan
    & $Command
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)." }
}

function Get-AllyVersion {
    $props = [xml](Get-Content -Raw (Join-Path $root 'Directory.Build.props'))
    $version = $props.Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1
    if (-not $version) { throw 'VersionPrefix is missing from Directory.Build.props.' }
    [string]$version
}

function Get-NuGetPackageRoot {
    if ($env:NUGET_PACKAGES) { return $env:NUGET_PACKAGES }
    $line = dotnet nuget locals global-packages --list | Select-Object -First 1
    ($line -replace '^global-packages:\s*', '').Trim()
}

function Invoke-Build {
    $version = Get-AllyVersion
    $publish = Join-Path $out 'publish'
    if (Test-Path $publish) { Remove-Item -Recurse -Force $publish }
    Invoke-Native 'dotnet publish Ally.PowerShell' {
        dotnet publish (Join-Path $root 'src/Ally.PowerShell/Ally.PowerShell.csproj') -c $Configuration -o $publish --nologo -v quiet -clp:ErrorsOnly
    }

    if (Test-Path $moduleDir) { Remove-Item -Recurse -Force $moduleDir }
    $deps = New-Item -ItemType Directory -Force (Join-Path $moduleDir 'Dependencies')
    New-Item -ItemType Directory -Force (Join-Path $moduleDir 'en-US') | Out-Null

    # Every assembly publish produced must be accounted for.
    $published = Get-ChildItem $publish -Filter *.dll | ForEach-Object Name
    $rootAssemblies = @('Ally.PowerShell.dll', 'Ally.Types.dll')
    $unlisted = $published | Where-Object { $_ -notin $rootAssemblies -and $_ -notin $dependencyFiles }
    if ($unlisted) { throw "Publish produced assemblies build.ps1 does not list: $($unlisted -join ', '). Add them to `$dependencyFiles on purpose." }

    foreach ($file in $rootAssemblies) { Copy-Item (Join-Path $publish $file) $moduleDir }
    foreach ($file in $dependencyFiles) {
        $source = Join-Path $publish $file
        if (-not (Test-Path $source)) { throw "Dependency $file is missing from the publish output." }
        Copy-Item $source $deps
    }
    Copy-Item (Join-Path $root 'src/Ally.PowerShell/Ally.Format.ps1xml') $moduleDir
    Copy-Item (Join-Path $root 'src/Ally.PowerShell/Ally.Types.ps1xml') $moduleDir
    Copy-Item (Join-Path $root 'LICENSE') $moduleDir

    $manifest = Get-Content -Raw (Join-Path $root 'Ally.psd1')
    $manifest = $manifest -replace "ModuleVersion(\s*)=(\s*)'[^']*'", "ModuleVersion`$1=`$2'$version'"
    Set-Content -Path (Join-Path $moduleDir 'Ally.psd1') -Value $manifest -Encoding utf8NoBOM -NoNewline

    & (Join-Path $root 'tools/ConvertTo-AllyMaml.ps1') -SourcePath (Join-Path $root 'docs/en-US') -OutputPath (Join-Path $moduleDir 'en-US') | Out-Null

    foreach ($file in $moduleFiles) {
        if (-not (Test-Path (Join-Path $moduleDir $file))) { throw "The module folder is missing $file." }
    }
    Test-ModuleManifest (Join-Path $moduleDir 'Ally.psd1') | Out-Null
    Write-Host "Built Ally $version in $moduleDir" -ForegroundColor Green
}

function Invoke-Package {
    Invoke-Build
    $version = Get-AllyVersion
    Get-ChildItem $out -Filter 'Ally.*.nupkg' | Remove-Item -Force
    Compress-PSResource -Path $moduleDir -DestinationPath $out
    $nupkg = Join-Path $out "Ally.$version.nupkg"
    if (-not (Test-Path $nupkg)) { throw "Packaging did not produce $nupkg." }
    Write-Host "Packaged $nupkg" -ForegroundColor Green
}

function Invoke-Test([switch] $Quick) {
    if ($Quick) {
        Invoke-Build
        $script:ExcludeTag = @($ExcludeTag) + 'Install' | Where-Object { $_ }
    }
    else {
        Invoke-Package
    }
    if (Test-Path $resultsDir) { Remove-Item -Recurse -Force $resultsDir }
    New-Item -ItemType Directory -Force $resultsDir | Out-Null

    # Test-only downloads: Pester, and an older OllamaSharp for the isolation test.
    Invoke-Native 'dotnet restore tests/tools' { dotnet restore (Join-Path $root 'tests/tools/tools.csproj') --nologo -v quiet }
    Invoke-Native 'dotnet build tests/Ally.FakeServers' {
        dotnet build (Join-Path $root 'tests/Ally.FakeServers/Ally.FakeServers.csproj') -c Release --nologo -v quiet -clp:ErrorsOnly
    }

    $totals = [ordered]@{ Passed = 0; Failed = 0; Skipped = 0 }

    # xunit: Ally.Core
    $trx = Join-Path $resultsDir 'core.trx'
    dotnet test (Join-Path $root 'tests/Ally.Core.Tests/Ally.Core.Tests.csproj') -c $Configuration --nologo -v quiet `
        --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal'
    if (-not (Test-Path $trx)) { throw 'xunit produced no results (build failure?).' }
    $counters = ([xml](Get-Content -Raw $trx)).TestRun.ResultSummary.Counters
    $totals.Passed += [int]$counters.passed
    $totals.Failed += [int]$counters.failed + [int]$counters.error + [int]$counters.timeout
    $totals.Skipped += [int]$counters.notExecuted
    Write-Host ("xunit: {0} passed, {1} failed" -f $counters.passed, $counters.failed)

    # Pester: the built module, in a child pwsh so the module's assemblies never load into this session.
    $pesterPath = Join-Path (Get-NuGetPackageRoot) 'pester/6.2.0/tools/Pester.psd1'
    $summary = Join-Path $resultsDir 'pester-summary.json'
    $pesterArgs = @('-NoProfile', '-NonInteractive', '-File', (Join-Path $root 'tests/Invoke-PesterSuite.ps1'),
        '-PesterPath', $pesterPath, '-ModulePath', (Join-Path $moduleDir 'Ally.psd1'), '-SummaryPath', $summary)
    if ($Tag) { $pesterArgs += @('-Tag', ($Tag -join ',')) }
    if ($ExcludeTag) { $pesterArgs += @('-ExcludeTag', ($ExcludeTag -join ',')) }
    & ([Environment]::ProcessPath) (Join-Path $PSHOME 'pwsh.dll') @pesterArgs
    if (-not (Test-Path $summary)) { throw 'Pester produced no results.' }
    $pester = Get-Content -Raw $summary | ConvertFrom-Json
    $totals.Passed += $pester.Passed
    $totals.Failed += $pester.Failed
    $totals.Skipped += $pester.Skipped
    Write-Host ("Pester: {0} passed, {1} failed" -f $pester.Passed, $pester.Failed)

    Write-Host ''
    Write-Host ("{0} passed, {1} failed, {2} skipped" -f $totals.Passed, $totals.Failed, $totals.Skipped)
    if ($totals.Failed -gt 0) { exit 1 }
}

function Invoke-Clean {
    if (Test-Path $out) { Remove-Item -Recurse -Force $out }
    Get-ChildItem $root -Recurse -Directory -Include bin, obj | Where-Object FullName -notmatch '[\\/]\.git[\\/]' | Remove-Item -Recurse -Force
}

Push-Location $root
try {
    switch ($Task) {
        'Build' { Invoke-Build }
        'Package' { Invoke-Package }
        'Test' { Invoke-Test }
        'QuickTest' { Invoke-Test -Quick }
        'Clean' { Invoke-Clean }
    }
}
finally {
    Pop-Location
}
