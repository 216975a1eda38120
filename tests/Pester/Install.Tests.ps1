#Requires -Version 7.4
# Publish to a local repository and install with both PSResourceGet and PowerShellGet, as users do.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    $script:server = Start-AllyFakeServer
    $script:moduleDir = Split-Path $env:ALLY_TEST_MODULE
    $script:version = (Import-PowerShellDataFile $env:ALLY_TEST_MODULE).ModuleVersion
    $script:nupkg = Join-Path (Split-Path $moduleDir) "Ally.$version.nupkg"

    # A clean user: its own HOME (module paths, repository stores) so nothing touches the real profile.
    function New-CleanHome {
        $homeDir = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        foreach ($d in '.local/share', '.config', '.cache') { New-Item -ItemType Directory -Force (Join-Path $homeDir $d) | Out-Null }
        $homeDir
    }
    function Get-CleanEnvironment([string] $HomeDir) {
        @{
            HOME = $HomeDir; XDG_DATA_HOME = $null; XDG_CONFIG_HOME = $null; XDG_CACHE_HOME = $null; PSModulePath = $null
            OLLAMA_HOST = $server.Url; ALLY_MODEL = $null; ALLY_PROVIDER = $null
        }
    }
}

AfterAll { Stop-AllyFakeServer $server }

Describe 'Packaging' -Tag 'Install' {
    It 'build.ps1 -Task Package produced out/Ally.<version>.nupkg with the module inside' {
        Test-Path $nupkg | Should -BeTrue
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [System.IO.Compression.ZipFile]::OpenRead($nupkg)
        try { $entries = $zip.Entries.FullName } finally { $zip.Dispose() }
        $entries | Should -Contain 'Ally.psd1'
        $entries | Should -Contain 'Ally.PowerShell.dll'
        $entries | Should -Contain 'Ally.Types.dll'
        $entries | Should -Contain 'Dependencies/OllamaSharp.dll'
        $entries | Should -Contain 'en-US/Ally.PowerShell.dll-Help.xml'
    }
}

Describe 'Install from a repository' -Tag 'Install' {
    It 'publishes with Publish-PSResource and installs with Install-PSResource, then chats' {
        $homeDir = New-CleanHome
        $repo = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'repo-psrg')
        $script = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Register-PSResourceRepository -Name AllyLocal -Uri '$repo' -Trusted
Publish-PSResource -Path '$moduleDir' -Repository AllyLocal
Install-PSResource -Name Ally -Repository AllyLocal -Scope CurrentUser -TrustRepository
Import-Module Ally
'PATH=' + (Get-Module Ally).ModuleBase
'VERSION=' + (Get-Module Ally).Version
'ANSWER=' + (Invoke-AllyChat 'Installed via PSResourceGet').Content
"@
        $result = Invoke-ChildPwsh -Script $script -Environment (Get-CleanEnvironment $homeDir)
        $result.StdErr | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $result.StdOut | Should -Match ([regex]::Escape("PATH=$homeDir"))
        $result.StdOut | Should -Match "VERSION=$([regex]::Escape($version))"
        $result.StdOut | Should -Match 'ANSWER=You said: Installed via PSResourceGet'
        Get-ChildItem $repo -Filter "Ally.$version.nupkg" | Should -Not -BeNullOrEmpty
    }

    It 'installs the built nupkg with Install-Module (PowerShellGet), then chats' {
        $homeDir = New-CleanHome
        $repo = New-Item -ItemType Directory -Force (Join-Path $TestDrive 'repo-psget')
        Copy-Item $nupkg $repo
        $script = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
Register-PSRepository -Name AllyLocal -SourceLocation '$repo' -PublishLocation '$repo' -InstallationPolicy Trusted
Install-Module -Name Ally -Repository AllyLocal -Scope CurrentUser -Force
Import-Module Ally
'PATH=' + (Get-Module Ally).ModuleBase
'ANSWER=' + (Invoke-AllyChat 'Installed via PowerShellGet').Content
"@
        $result = Invoke-ChildPwsh -Script $script -Environment (Get-CleanEnvironment $homeDir)
        $result.ExitCode | Should -Be 0 -Because $result.StdErr
        $result.StdOut | Should -Match ([regex]::Escape("PATH=$homeDir"))
        $result.StdOut | Should -Match 'ANSWER=You said: Installed via PowerShellGet'
    }
}
