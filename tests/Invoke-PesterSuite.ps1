<#
.SYNOPSIS
    Runs the Pester suites against the built module and writes a JSON summary for build.ps1.
    Run by build.ps1 in a child pwsh; the tests themselves import the module from -ModulePath.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [string] $Tag,
    [string] $ExcludeTag
)
$ErrorActionPreference = 'Stop'
Import-Module $PesterPath -Force
$env:ALLY_TEST_MODULE = (Resolve-Path $ModulePath).Path
# The suites never read the developer's own ally.toml: an empty config folder, no ALLY_CONFIG.
$configHome = Join-Path ([IO.Path]::GetTempPath()) "ally-test-config-$PID"
New-Item -ItemType Directory -Force $configHome | Out-Null
$env:XDG_CONFIG_HOME = $configHome
$env:APPDATA = $configHome
$env:ALLY_CONFIG = $null

$config = New-PesterConfiguration
$config.Run.Path = @(Get-ChildItem (Join-Path $PSScriptRoot 'Pester') -Filter *.Tests.ps1 | ForEach-Object FullName)
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Detailed'
$config.TestResult.Enabled = $true
$config.TestResult.OutputPath = Join-Path (Split-Path $SummaryPath) 'pester.xml'
if ($Tag) { $config.Filter.Tag = $Tag -split ',' }
if ($ExcludeTag) { $config.Filter.ExcludeTag = $ExcludeTag -split ',' }

$result = Invoke-Pester -Configuration $config
# Pester counts a failed BeforeAll/AfterAll as a failed container, not a failed test: count it too.
$failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
[pscustomobject]@{ Passed = $result.PassedCount; Failed = $failed; Skipped = $result.SkippedCount } |
    ConvertTo-Json | Set-Content -Path $SummaryPath -Encoding utf8NoBOM
