#Requires -Version 7.4
# Ally's dependencies load into their own context: another module's copy cannot break it.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    $script:server = Start-AllyFakeServer
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { ((dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim() }
    $script:oldOllamaSharp = Join-Path $packages 'ollamasharp/5.4.6/lib/netstandard2.0/OllamaSharp.dll'
}

AfterAll { Stop-AllyFakeServer $server }

Describe 'Dependency isolation' {
    It 'imports and chats after another version of OllamaSharp was loaded first' {
        Test-Path $oldOllamaSharp | Should -BeTrue
        $script = @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$oldOllamaSharp'
Import-Module '$env:ALLY_TEST_MODULE'
`$r = Invoke-AllyChat 'Hello from an isolated Ally'
'ANSWER=' + `$r.Content
# Chat speaks Ally's own JSON; model deletion goes through Ally's OllamaSharp.
Remove-AllyModel llama3.2 -Confirm:`$false
`$versions = [AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'OllamaSharp' } | ForEach-Object { `$_.GetName().Version.ToString() }
'OLLAMASHARP=' + ((`$versions | Sort-Object) -join ',')
"@
        $result = Invoke-ChildPwsh -Script $script -Environment @{ OLLAMA_HOST = $server.Url; ALLY_MODEL = $null; ALLY_PROVIDER = $null }
        $result.StdErr | Should -BeNullOrEmpty
        $result.ExitCode | Should -Be 0
        $result.StdOut | Should -Match 'ANSWER=You said: Hello from an isolated Ally'
        # Both copies live side by side: the other module's 5.4.6 and Ally's own 5.5.2.
        $result.StdOut | Should -Match 'OLLAMASHARP=5\.4\.6\.0,5\.5\.2\.0'
    }
}

Describe 'What a chat loads' {
    It 'chats with Ollama without loading OllamaSharp or Microsoft.Extensions.AI (they serve pull and delete only)' {
        $script = @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:ALLY_TEST_MODULE'
`$r = Invoke-AllyChat 'Hello'
'ANSWER=' + `$r.Content
'LOADED=' + ((([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name) | Where-Object { `$_ -like 'OllamaSharp*' -or `$_ -like 'Microsoft.Extensions.AI*' } | Sort-Object) -join ',')
Remove-AllyModel qwen3 -Confirm:`$false
'AFTERDELETE=' + ((([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name) | Where-Object { `$_ -eq 'OllamaSharp' }) -join ',')
"@
        $result = Invoke-ChildPwsh -Script $script -Environment @{ OLLAMA_HOST = $server.Url; ALLY_MODEL = $null; ALLY_PROVIDER = $null }
        $result.StdErr | Should -BeNullOrEmpty
        $result.StdOut | Should -Match 'ANSWER=You said: Hello'
        $result.StdOut | Should -Match '(?m)^LOADED=\s*$'
        # The check can fail: deleting a model does load it.
        $result.StdOut | Should -Match '(?m)^AFTERDELETE=OllamaSharp'
    }
}
