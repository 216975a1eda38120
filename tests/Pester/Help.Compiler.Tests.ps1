#Requires -Version 7.0
<#
.SYNOPSIS
    Tests tools/ConvertTo-AllyMaml.ps1, the markdown -> MAML / about_*.help.txt help compiler.

.DESCRIPTION
    Compiles tests/fixtures/help/docs into a copy of the TestMod fixture module (a script module
    whose function points at the MAML with "# .ExternalHelp TestMod-help.xml"), then asks a fresh
    pwsh -NoProfile for Get-Help output. Also checks that malformed pages fail with file and line,
    and that the shipped docs/en-US pages compile.

    Run:  dotnet pwsh -NoProfile -c "Import-Module ~/.nuget/packages/pester/6.2.0/tools/Pester.psd1; Invoke-Pester tests/Pester/Help.Compiler.Tests.ps1"
#>

BeforeAll {
    $script:Repo = Split-Path (Split-Path $PSScriptRoot -Parent) -Parent
    $script:Compiler = Join-Path $Repo 'tools/ConvertTo-AllyMaml.ps1'
    $script:Fixture = Join-Path $Repo 'tests/fixtures/help'
    $script:GoodPage = Get-Content -Raw (Join-Path $Fixture 'docs/Test-Thing.md')

    # Runs a script in a fresh PowerShell (the same one running the tests) and returns its
    # output parsed from JSON.
    function Invoke-FreshPwsh([string]$Script, [string[]]$Arguments) {
        $file = Join-Path $TestDrive ("child-{0}.ps1" -f [guid]::NewGuid().ToString('n'))
        Set-Content -LiteralPath $file -Value $Script -Encoding utf8NoBOM
        $exe = [Environment]::ProcessPath
        $prefix = @()
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $prefix = @(Join-Path $PSHOME 'pwsh.dll') }
        $out = & $exe @prefix -NoProfile -NonInteractive -File $file @Arguments 2>&1
        if ($LASTEXITCODE -ne 0) { throw "child pwsh failed ($LASTEXITCODE): $out" }
        return ($out -join "`n") | ConvertFrom-Json
    }

    # Compiles one page (text) alone and returns the error message, or $null when it compiled.
    function Get-CompileError([string]$PageText, [string]$FileName = 'Test-Thing.md') {
        $dir = Join-Path $TestDrive ([guid]::NewGuid().ToString('n'))
        $null = New-Item -ItemType Directory -Path $dir
        Set-Content -LiteralPath (Join-Path $dir $FileName) -Value $PageText -Encoding utf8NoBOM -NoNewline
        try {
            $null = & $Compiler -SourcePath $dir -OutputPath (Join-Path $dir 'out') -HelpFileName 'TestMod-help.xml' -WarningAction SilentlyContinue
            return $null
        }
        catch { return $_.Exception.Message }
    }
}

Describe 'ConvertTo-AllyMaml: fixture module' {
    BeforeAll {
        $script:ModuleDir = Join-Path $TestDrive 'TestMod'
        Copy-Item -LiteralPath (Join-Path $Fixture 'TestMod') -Destination $ModuleDir -Recurse
        $script:HelpDir = Join-Path $ModuleDir 'en-US'
        $script:Written = @(& $Compiler -SourcePath (Join-Path $Fixture 'docs') -OutputPath $HelpDir -HelpFileName 'TestMod-help.xml')
        $script:MamlPath = Join-Path $HelpDir 'TestMod-help.xml'
        $script:AboutPath = Join-Path $HelpDir 'about_TestMod.help.txt'

        $script:Help = Invoke-FreshPwsh -Arguments (Join-Path $ModuleDir 'TestMod.psd1') -Script @'
param($ModulePath)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$full = Get-Help Test-Thing -Full
[pscustomobject]@{
    FullText     = $full | Out-String -Width 250
    Synopsis     = $full.Synopsis
    Parameters   = @($full.parameters.parameter | ForEach-Object {
        [pscustomobject]@{ Name = $_.name; Description = ($_.description.Text -join ' '); Required = $_.required; Position = $_.position; PipelineInput = $_.pipelineInput }
    })
    Examples     = @($full.examples.example | ForEach-Object { [pscustomobject]@{ Title = $_.title; Code = $_.code } })
    Syntax       = (Get-Help Test-Thing).syntax | Out-String -Width 250
    ExamplesText = Get-Help Test-Thing -Examples | Out-String -Width 250
    ParamText    = Get-Help Test-Thing -Parameter InputObject | Out-String -Width 250
    OnlineUri    = @($full.relatedLinks.navigationLink)[0].uri
    AboutText    = Get-Help about_TestMod | Out-String -Width 250
    AboutTopic   = @(Get-Help about_TestMod* | Where-Object Category -EQ 'HelpFile' | Select-Object Name, Synopsis)
} | ConvertTo-Json -Depth 5
'@
    }

    It 'writes the MAML file and the about topic, and returns them' {
        $Written.Name | Sort-Object | Should -Be @('about_TestMod.help.txt', 'TestMod-help.xml')
        $MamlPath | Should -Exist
        $AboutPath | Should -Exist
    }

    It 'writes well-formed UTF-8 XML without a BOM' {
        $bytes = [IO.File]::ReadAllBytes($MamlPath)
        $bytes[0..2] | Should -Not -Be @(0xEF, 0xBB, 0xBF)
        $xml = [xml][Text.Encoding]::UTF8.GetString($bytes)
        $xml.helpItems.schema | Should -Be 'maml'
        $xml.helpItems.NamespaceURI | Should -Be 'http://msh'
        $xml.helpItems.command.details.name | Should -Be 'Test-Thing'
        $xml.helpItems.command.details.verb | Should -Be 'Test'
        $xml.helpItems.command.details.noun | Should -Be 'Thing'
    }

    It 'escapes XML special characters' {
        $raw = Get-Content -Raw $MamlPath
        $raw | Should -Match ([regex]::Escape('Tests a thing &amp; reports &lt;results&gt;.'))
        $Help.Synopsis | Should -Be 'Tests a thing & reports <results>.'
    }

    It 'shows the synopsis and description in Get-Help -Full' {
        $Help.FullText | Should -Match 'SYNOPSIS\s+Tests a thing & reports <results>\.'
        # soft line breaks join; links become "text (url)"; emphasis markers go
        $Help.FullText | Should -Match 'The Test-Thing function exists so the help compiler has something to compile\. This second line'
        $Help.FullText | Should -Match ([regex]::Escape('a link (https://example.org/docs)'))
    }

    It 'shows every parameter with its description' {
        $names = $Help.Parameters.Name
        $names | Should -Be @('Name', 'Id', 'InputObject', 'Mode', 'Force')
        ($Help.Parameters | Where-Object Name -EQ 'Name').Description | Should -Be 'The name of the thing.'
        ($Help.Parameters | Where-Object Name -EQ 'Force').Description | Should -Be 'Skips the confirmation.'
        ($Help.Parameters | Where-Object Name -EQ 'Name').Position | Should -Be '0'
        ($Help.Parameters | Where-Object Name -EQ 'InputObject').PipelineInput | Should -Be 'True (ByValue)'
        $Help.FullText | Should -Match '-Force \[<SwitchParameter>\]\s+Skips the confirmation\.'
    }

    It 'shows the three examples with their code' {
        $Help.Examples.Count | Should -Be 3
        $Help.Examples[0].Title | Should -Match 'Example 1: By name'
        $Help.Examples[0].Code | Should -Be "Test-Thing -Name 'alpha'"
        $Help.ExamplesText | Should -Match 'Tests thing 42 without asking\.'
        $Help.ExamplesText | Should -Match ([regex]::Escape('escaping check: a < b && c > d.'))
    }

    It 'builds one syntax line per parameter set, honouring per-set values' {
        $lines = @($Help.Syntax -split '\r?\n' | Where-Object { $_ -match 'Test-Thing' })
        $lines.Count | Should -Be 2
        # ByName (default) first; -Name positional; -InputObject optional here ...
        $lines[0] | Should -Match ([regex]::Escape('Test-Thing [-Name] <String> [-InputObject <PSObject>] [-Mode {Fast | Slow}] [-Force]'))
        # ... and mandatory in ById ("Required: False (ByName), True (ById)").
        $lines[1] | Should -Match ([regex]::Escape('Test-Thing -Id <Int32> -InputObject <PSObject> [-Mode {Fast | Slow}] [-Force]'))
    }

    It 'renders Get-Help -Parameter' {
        $Help.ParamText | Should -Match '-InputObject <PSObject>'
        $Help.ParamText | Should -Match 'Objects to test\.'
        $Help.ParamText | Should -Match 'Accept pipeline input\?\s+True \(ByValue\)'
    }

    It 'puts the online version first among the related links' {
        $Help.OnlineUri | Should -Be 'https://example.org/help/Test-Thing'
        $Help.FullText | Should -Match 'Project site https://example.org/testmod'
    }

    It 'makes Get-Help about_TestMod work' {
        $Help.AboutText | Should -Match '^\s*TOPIC\s+about_TestMod'
        $Help.AboutText | Should -Match 'LONG DESCRIPTION'
        $Help.AboutText | Should -Match ([regex]::Escape('See the site (https://example.org/testmod)'))
        $Help.AboutText | Should -Not -Match '\]\('
        $Help.AboutTopic[0].Name | Should -Be 'about_TestMod'
        $Help.AboutTopic[0].Synopsis | Should -Be 'Explains the TestMod fixture module.'
    }

    It 'writes the about topic as plain text: no front matter, uppercase headings, indented code' {
        $lines = [IO.File]::ReadAllLines($AboutPath)
        $lines[0..4] | Should -Be @('TOPIC', '    about_TestMod', '', 'SHORT DESCRIPTION', '    Explains the TestMod fixture module.')
        $lines | Should -Contain '    CONFIGURATION'
        $lines | Should -Contain '        Import-Module TestMod'
        $lines -join "`n" | Should -Not -Match 'schema: 2\.0\.0|^---'
    }
}

Describe 'ConvertTo-AllyMaml: malformed pages' {
    It 'fails on a missing SYNOPSIS, naming the file and line' {
        $page = $GoodPage -replace '(?m)^## SYNOPSIS\r?\n.*\r?\n', ''
        Get-CompileError $page | Should -Match 'Test-Thing\.md:\d+: Command Test-Thing has no .## SYNOPSIS. section'
    }

    It 'fails on a parameter without a yaml block' {
        $page = [regex]::Replace($GoodPage, '(?s)(### -Id\r?\n.*?)```yaml.*?```', '$1')
        $message = Get-CompileError $page
        $line = ($page -split '\r?\n').IndexOf('### -Id') + 1
        $message | Should -Match ([regex]::Escape("Test-Thing.md:${line}: Parameter -Id has no yaml metadata block"))
    }

    It 'fails on an example without a code block' {
        $page = $GoodPage -replace '(?s)(### Example 2: By id\r?\n)```powershell.*?```', '$1'
        Get-CompileError $page | Should -Match 'Test-Thing\.md:\d+: Example .Example 2: By id. has no code block'
    }

    It 'fails on an unknown section and an unclosed code fence' {
        Get-CompileError ($GoodPage -replace '## NOTES', '## REMARKS') | Should -Match "Unexpected section '## REMARKS'"
        Get-CompileError ($GoodPage + "`n``````powershell`nGet-Thing`n") | Should -Match 'Code fence ``` is never closed'
    }

    It 'fails on a per-set value naming a set the parameter is not in' {
        $page = $GoodPage -replace 'Required: False \(ByName\), True \(ById\)', 'Required: True (Nope)'
        Get-CompileError $page | Should -Match "names parameter set\(s\) 'Nope'"
    }

    It 'writes nothing when any page is malformed' {
        $dir = Join-Path $TestDrive 'mixed'
        $null = New-Item -ItemType Directory -Path $dir
        Copy-Item (Join-Path $Fixture 'docs/about_TestMod.md') $dir
        Set-Content (Join-Path $dir 'Test-Thing.md') ($GoodPage -replace '## SYNOPSIS', '## SYNOPSYS') -Encoding utf8NoBOM
        { & $Compiler -SourcePath $dir -OutputPath (Join-Path $dir 'out') -HelpFileName 'TestMod-help.xml' } | Should -Throw '*Test-Thing.md:*'
        Join-Path $dir 'out' | Should -Not -Exist
    }
}

Describe 'ConvertTo-AllyMaml: the shipped docs' {
    It 'compiles docs/en-US into well-formed help, without warnings' {
        $out = Join-Path $TestDrive 'ally-en-US'
        $written = @(& $Compiler -SourcePath (Join-Path $Repo 'docs/en-US') -OutputPath $out -WarningVariable warnings -WarningAction SilentlyContinue)
        $warnings | Should -BeNullOrEmpty
        $written.Name | Should -Contain 'Ally.PowerShell.dll-Help.xml'
        $written.Name | Should -Contain 'about_Ally.help.txt'
        $xml = [xml](Get-Content -Raw (Join-Path $out 'Ally.PowerShell.dll-Help.xml'))
        $chat = $xml.helpItems.command | Where-Object { $_.details.name -eq 'Invoke-AllyChat' }
        $chat | Should -Not -BeNullOrEmpty
        @($chat.examples.example).Count | Should -BeGreaterOrEqual 5
        @($chat.syntax.syntaxItem).Count | Should -Be 2
        $about = [IO.File]::ReadAllLines((Join-Path $out 'about_Ally.help.txt'))
        $about[0] | Should -Be 'TOPIC'
        $about[3] | Should -Be 'SHORT DESCRIPTION'
        $about[4] | Should -Match '^    \S'
    }
}
