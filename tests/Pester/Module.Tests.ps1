#Requires -Version 7.4
# The built module as a user meets it: manifest, layout, help.

BeforeAll {
    $script:manifestPath = $env:ALLY_TEST_MODULE
    $script:moduleDir = Split-Path $manifestPath
    Import-Module $manifestPath -Force
    $script:module = Get-Module Ally
}

Describe 'Module layout and manifest' {
    It 'has the version from Directory.Build.props and explicit exports' {
        $props = [xml](Get-Content -Raw (Join-Path $PSScriptRoot '../../Directory.Build.props'))
        $module.Version.ToString(3) | Should -Be ($props.Project.PropertyGroup.VersionPrefix | Where-Object { $_ } | Select-Object -First 1)
        $data = Import-PowerShellDataFile $manifestPath
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.FunctionsToExport.Count | Should -Be 0
        $data.CompatiblePSEditions | Should -Contain 'Core'
        $data.PrivateData.PSData.Tags | Should -Contain 'Ollama'
        $module.ExportedCmdlets.Keys | Should -Contain 'Invoke-AllyChat'
    }

    It 'keeps third-party assemblies out of the module root' {
        $rootDlls = Get-ChildItem $moduleDir -Filter *.dll | ForEach-Object Name
        $rootDlls | Should -Be @('Ally.PowerShell.dll', 'Ally.Types.dll')
        Test-Path (Join-Path $moduleDir 'Dependencies/OllamaSharp.dll') | Should -BeTrue
        Test-Path (Join-Path $moduleDir 'Dependencies/Ally.Core.dll') | Should -BeTrue
    }

    It 'declares what Invoke-AllyChat outputs' {
        (Get-Command Invoke-AllyChat).OutputType.Name | Should -Contain 'Ally.ChatResponse'
    }
}

Describe 'Help' {
    BeforeDiscovery {
        $script:cmdlets = (Import-PowerShellDataFile $env:ALLY_TEST_MODULE).CmdletsToExport | ForEach-Object { @{ Name = $_ } }
    }

    It '<Name> has full help: synopsis, description, examples, and every parameter described' -ForEach $cmdlets {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        # Without a help file PowerShell makes the synopsis up from the syntax.
        $help.Synopsis | Should -Not -BeLike "*$Name*[[]*"
        ($help.Description.Text -join ' ') | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        $actual = (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }
        foreach ($parameter in $actual) {
            $documented = $help.Parameters.Parameter | Where-Object Name -eq $parameter
            $documented | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a help entry"
            ($documented.Description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
        }
    }

    It 'Invoke-AllyChat has examples for pipeline, streaming and CI use' {
        @((Get-Help Invoke-AllyChat -Full).Examples.Example).Count | Should -BeGreaterOrEqual 3
        $code = (Get-Help Invoke-AllyChat -Examples).Examples.Example.Code -join "`n"
        $code | Should -BeLike '*Get-Content*|*Invoke-AllyChat*'
        $code | Should -BeLike '*-Stream*'
        $code | Should -BeLike '*-ErrorAction Stop*'
    }

    It 'renders the full help as text' {
        $text = Get-Help Invoke-AllyChat -Full | Out-String
        $text | Should -BeLike '*-Prompt*'
        $text | Should -BeLike '*-ForEach*'
        $text | Should -BeLike '*EXAMPLE*'
    }

    It 'has about_Ally' {
        $about = Get-Help about_Ally | Out-String
        $about | Should -BeLike '*OLLAMA_HOST*'
        $about | Should -BeLike '*Invoke-AllyChat*'
    }
}
