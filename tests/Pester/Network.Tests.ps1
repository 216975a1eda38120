#Requires -Version 7.4
# Corporate networks: an explicit proxy (-Proxy, ALLY_PROXY), the standard HTTP_PROXY variable, proxy
# credentials that never show, and a CA bundle (ALLY_CA_BUNDLE) for a TLS server whose certificate
# comes from a CA made by the test. Everything runs on loopback: a fake provider, the fake forward
# proxy (tests/Ally.FakeServers --proxy: forwards, tunnels CONNECT, answers 407 without its
# credentials, records what passed) and https fakes serving certificates made here.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'OPENAI_API_KEY', 'ALLY_OPENAI_BASE_URL', 'OPENROUTER_API_KEY',
        'ALLY_OPENROUTER_BASE_URL', 'ALLY_SECRET_VAULT', 'ALLY_MAX_RETRY', 'ALLY_PROXY', 'ALLY_CA_BUNDLE', 'NO_PROXY', 'ALLY_CONFIG'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }

    $script:fake = Start-AllyFakeServer
    $script:proxy = Start-AllyFakeProxy
    # A password with characters that need percent-encoding in a URL, and that no message could contain by chance.
    $script:password = 'pw-' + [guid]::NewGuid().ToString('n').Substring(0, 12) + '!#'
    $script:authProxy = Start-AllyFakeProxy -Credential "alice:$password"
    $script:authProxyUrl = "http://alice:$([Uri]::EscapeDataString($password))@127.0.0.1:$($authProxy.Port)"

    # Certificates: a CA and a server certificate for 127.0.0.1 signed by it; another CA's; an expired one; one for another name.
    $script:certDir = Join-Path ([IO.Path]::GetTempPath()) ('ally-network-' + [guid]::NewGuid().ToString('n'))
    $script:good = New-AllyTestCertificate -Directory (Join-Path $certDir good) -Name '127.0.0.1', 'localhost'
    $script:otherCa = New-AllyTestCertificate -Directory (Join-Path $certDir other) -CaName 'Some Other CA' -Name '127.0.0.1'
    $script:expired = New-AllyTestCertificate -Directory (Join-Path $certDir expired) -Expired -Name '127.0.0.1'
    $script:elsewhere = New-AllyTestCertificate -Directory (Join-Path $certDir elsewhere) -Name 'ally.example.test'
    $script:tls = Start-AllyFakeServer -TlsPfx $good.Pfx -TlsPassword $good.Password
    $script:tlsLlama = Start-AllyFakeServer -Flavor LlamaCpp -TlsPfx $good.Pfx -TlsPassword $good.Password
    $script:tlsExpired = Start-AllyFakeServer -TlsPfx $expired.Pfx -TlsPassword $expired.Password
    $script:tlsElsewhere = Start-AllyFakeServer -TlsPfx $elsewhere.Pfx -TlsPassword $elsewhere.Password

    # Everything a command wrote (piped in with *>&1), every stream, as text.
    function ConvertTo-AllText {
        $text = $input | ForEach-Object {
            if ($_ -is [System.Management.Automation.ErrorRecord]) { $_.ToString(); $_.ErrorDetails.RecommendedAction; $_.Exception.ToString() }
            elseif ($_ -is [System.Management.Automation.InformationRecord]) { [string]$_.MessageData }
            elseif ($_.PSObject.Properties['Message']) { $_.Message }
            else { $_ | Format-List * -Force | Out-String; $_ | ConvertTo-Json -Depth 4 -WarningAction SilentlyContinue }
        }
        $text -join "`n"
    }
}

AfterAll {
    foreach ($s in $fake, $proxy, $authProxy, $tls, $tlsLlama, $tlsExpired, $tlsElsewhere) { if ($s) { Stop-AllyFakeServer $s } }
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
    Remove-Item -LiteralPath $certDir -Recurse -Force -ErrorAction Ignore
}

Describe 'Proxy' {
    BeforeEach {
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        Reset-AllyFakeServer $fake
        Reset-AllyFakeProxy $proxy
        Reset-AllyFakeProxy $authProxy
        $env:OLLAMA_HOST = $fake.Url
        $env:ALLY_MAX_RETRY = '0'
    }

    It 'sends a chat through -Proxy: the proxy forwards it and the server answers' {
        $r = Invoke-AllyChat 'hello through the proxy' -Proxy $proxy.Url
        $r.Content | Should -Be 'You said: hello through the proxy'
        $seen = @(Get-AllyFakeProxyRequest $proxy)
        $seen.Count | Should -Be 1
        $seen[0].method | Should -Be 'POST'
        $seen[0].target | Should -Be "$($fake.Url)api/chat"
        @(Get-AllyFakeRequest $fake -Path '/api/chat').Count | Should -Be 1
    }

    It 'lists models through ALLY_PROXY (Ollama and an OpenAI-compatible catalog)' {
        $env:ALLY_PROXY = $proxy.Url
        @(Get-AllyModel).Count | Should -BeGreaterThan 0
        $env:ALLY_OPENROUTER_BASE_URL = "$($fake.Url)api/v1"
        @(Get-AllyModel -Provider openrouter).Count | Should -BeGreaterThan 0
        $targets = @(Get-AllyFakeProxyRequest $proxy).target
        $targets | Should -Contain "$($fake.Url)api/tags"
        $targets | Should -Contain "$($fake.Url)api/v1/models"
    }

    It '-Proxy wins over ALLY_PROXY, and a change of ALLY_PROXY between commands takes effect' {
        $env:ALLY_PROXY = $authProxy.Url   # would answer 407 without credentials
        (Invoke-AllyChat 'one' -Proxy $proxy.Url).Content | Should -Be 'You said: one'
        @(Get-AllyFakeProxyRequest $authProxy).Count | Should -Be 0
        @(Get-AllyFakeProxyRequest $proxy).Count | Should -Be 1

        $env:ALLY_PROXY = 'none'
        (Invoke-AllyChat 'two').Content | Should -Be 'You said: two'
        @(Get-AllyFakeProxyRequest $proxy).Count | Should -Be 1

        $env:ALLY_PROXY = $proxy.Url
        (Invoke-AllyChat 'three').Content | Should -Be 'You said: three'
        @(Get-AllyFakeProxyRequest $proxy).Count | Should -Be 2
        @(Get-AllyFakeRequest $fake -Path '/api/chat').Count | Should -Be 3
    }

    It 'leaves out the hosts NO_PROXY names' {
        $env:ALLY_PROXY = $proxy.Url
        $env:NO_PROXY = 'example.test, 127.0.0.1'
        (Invoke-AllyChat 'direct').Content | Should -Be 'You said: direct'
        @(Get-AllyFakeProxyRequest $proxy).Count | Should -Be 0
        (Test-AllyProvider).Proxy | Should -BeLike 'none (direct*NO_PROXY*'
    }

    It 'uses the credentials in the proxy address, and the password shows nowhere' {
        $env:ALLY_PROXY = $authProxyUrl
        $text = & { Invoke-AllyChat 'secret route' -Verbose -Debug; Test-AllyProvider -Verbose; Get-AllyModel -Verbose } *>&1 | ConvertTo-AllText
        $text | Should -Match 'You said: secret route'
        $text | Should -Match ([regex]::Escape("http://alice:***@127.0.0.1:$($authProxy.Port) (from ALLY_PROXY)"))
        $text | Should -Not -Match ([regex]::Escape($password))
        $text | Should -Not -Match ([regex]::Escape([Uri]::EscapeDataString($password)))
        $authorized = @(Get-AllyFakeProxyRequest $authProxy | Where-Object authorized)
        $authorized.target | Should -Contain "$($fake.Url)api/chat"
        @(Get-AllyFakeRequest $fake -Path '/api/chat').Count | Should -Be 1
    }

    It 'reports the proxy in Test-AllyProvider with the password masked' {
        $status = Test-AllyProvider -Proxy $authProxyUrl
        $status.Success | Should -BeTrue
        $status.Proxy | Should -Be "http://alice:***@127.0.0.1:$($authProxy.Port) (from -Proxy)"
        ($status | ConvertTo-Json -Depth 4) | Should -Not -Match ([regex]::Escape($password))
        (Test-AllyProvider -Proxy none).Proxy | Should -Be 'none (direct)'
    }

    It 'fails with ProxyFailed when the proxy refuses the credentials, without showing them' {
        $wrong = 'wrong-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        $env:ALLY_PROXY = "http://alice:$wrong@127.0.0.1:$($authProxy.Port)"
        $err = $null
        $text = Invoke-AllyChat 'refused' -ErrorVariable err -ErrorAction SilentlyContinue -Verbose *>&1 | ConvertTo-AllText
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ProxyFailed,*'
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike '*user:password@*'
        $text | Should -Not -Match $wrong
        @(Get-AllyFakeProxyRequest $authProxy).status | Should -Contain 407
        @(Get-AllyFakeRequest $fake -Path '/api/chat').Count | Should -Be 0
    }

    It 'fails with ProxyFailed naming the proxy when nothing listens there' {
        $port = Get-AllyFreePort
        $err = $null
        Invoke-AllyChat 'nobody' -Proxy "http://bob:$([Uri]::EscapeDataString($password))@127.0.0.1:$port" -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ProxyFailed,*'
        $err[0].ToString() | Should -BeLike "*proxy http://bob:***@127.0.0.1:$port (from -Proxy)*"
        $err[0].Exception.ToString() | Should -Not -Match ([regex]::Escape($password))
    }

    It 'rejects a bad proxy address before any request, without echoing its password' {
        foreach ($bad in "ftp://carol:$password@proxy.example.test:21", "http://carol:$password@proxy.example.test:8080/some/path", 'http://') {
            $err = $null
            try { Invoke-AllyChat 'never sent' -Proxy $bad -Verbose -Debug *>&1 | Out-Null } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidSetting,*'
            $err.ToString() | Should -BeLike '*(from -Proxy) cannot be used*'
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*ALLY_PROXY*'
            ($err | ConvertTo-AllText) | Should -Not -Match ([regex]::Escape($password))
        }
        $env:ALLY_PROXY = 'ftp://nowhere'
        { Get-AllyModel -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidSetting,*'
        @(Get-AllyFakeRequest $fake).Count | Should -Be 0
        @(Get-AllyFakeProxyRequest $proxy).Count | Should -Be 0
    }

    It 'uses HTTP_PROXY when no Ally setting names a proxy (the system default, in a new session)' {
        $result = Invoke-ChildPwsh -Environment @{ HTTP_PROXY = $proxy.Url; ALLY_PROXY = $null; NO_PROXY = $null; OLLAMA_HOST = $fake.Url } -Script @"
`$ErrorActionPreference = 'Stop'
Import-Module '$env:ALLY_TEST_MODULE'
(Invoke-AllyChat 'via the variable').Content
(Test-AllyProvider).Proxy
"@
        $result.ExitCode | Should -Be 0 -Because $result.StdErr
        $lines = $result.StdOut -split "`r?`n" | Where-Object { $_ }
        $lines[0] | Should -Be 'You said: via the variable'
        $lines[1] | Should -Be "system: http://127.0.0.1:$($proxy.Port)"
        @(Get-AllyFakeProxyRequest $proxy).target | Should -Contain "$($fake.Url)api/chat"
    }
}

Describe 'CA bundle' {
    BeforeEach {
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        Reset-AllyFakeServer $tls
        Reset-AllyFakeProxy $proxy
        $env:OLLAMA_HOST = $tls.Url
        $env:ALLY_MAX_RETRY = '0'
    }

    It 'reports UntrustedCertificate, with how to add the CA, for a server whose CA is not trusted' {
        $err = $null
        Invoke-AllyChat 'hello' -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'UntrustedCertificate,*'
        $err[0].CategoryInfo.Category | Should -Be 'SecurityError'
        $err[0].ToString() | Should -BeLike "*certificate chain of Ollama at $($tls.Url) is not trusted*Ally Test CA*"
        $err[0].ErrorDetails.RecommendedAction | Should -BeLike "*`$env:ALLY_CA_BUNDLE = '/path/to/corp-ca.pem'*network.ca_bundle*"
        @(Get-AllyFakeRequest $tls -Path '/api/chat').Count | Should -Be 0
    }

    It 'trusts the server once ALLY_CA_BUNDLE holds its CA' {
        $env:ALLY_CA_BUNDLE = $good.CaPem
        (Invoke-AllyChat 'over tls').Content | Should -Be 'You said: over tls'
        @(Get-AllyFakeRequest $tls -Path '/api/chat').Count | Should -Be 1
    }

    It 'trusts it through the proxy too (a CONNECT tunnel)' {
        $env:ALLY_CA_BUNDLE = $good.CaPem
        (Invoke-AllyChat 'tunnelled' -Proxy $proxy.Url).Content | Should -Be 'You said: tunnelled'
        $seen = @(Get-AllyFakeProxyRequest $proxy)
        $seen.method | Should -Contain 'CONNECT'
        $seen.target | Should -Contain "127.0.0.1:$($tls.Port)"
    }

    It 'checks an OpenAI-compatible server the same way' {
        $env:ALLY_OPENAI_BASE_URL = "$($tlsLlama.Url)v1"
        { Get-AllyModel -Provider openai -ErrorAction Stop } | Should -Throw -ErrorId 'UntrustedCertificate,*'
        $env:ALLY_CA_BUNDLE = $good.CaPem
        @(Get-AllyModel -Provider openai).Count | Should -BeGreaterThan 0
    }

    It 'Test-AllyProvider names the untrusted chain in Problems' {
        $status = Test-AllyProvider
        $status.Success | Should -BeFalse
        $status.Reachable | Should -BeFalse
        $status.Problems | Should -HaveCount 1
        $status.Problems[0] | Should -BeLike '*certificate chain*not trusted*ALLY_CA_BUNDLE*'
        $env:ALLY_CA_BUNDLE = $good.CaPem
        (Test-AllyProvider).Success | Should -BeTrue
    }

    It 'does not trust a server whose CA is not the one in the bundle' {
        $env:ALLY_CA_BUNDLE = $otherCa.CaPem
        $err = $null
        Invoke-AllyChat 'hello' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'UntrustedCertificate,*'
        $err[0].ToString() | Should -BeLike "*nor in the CA bundle*$([IO.Path]::GetFileName($otherCa.CaPem))*"
    }

    It 'refuses an expired certificate and one issued for another name, although their CA is in the bundle' {
        $env:ALLY_CA_BUNDLE = $expired.CaPem
        $env:OLLAMA_HOST = $tlsExpired.Url
        $err = $null
        Invoke-AllyChat 'hello' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OllamaUnreachable,*'
        $err[0].ToString() | Should -BeLike '*NotTimeValid*'

        $env:ALLY_CA_BUNDLE = $elsewhere.CaPem
        $env:OLLAMA_HOST = $tlsElsewhere.Url
        $err = $null
        Invoke-AllyChat 'hello' -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'OllamaUnreachable,*'
        $err[0].ToString() | Should -BeLike "*issued for 'ally.example.test'*"
    }

    It 'rejects a bundle that is missing or not PEM before any request' {
        $notPem = Join-Path $certDir 'not-a-bundle.pem'
        Set-Content -LiteralPath $notPem -Value 'this is not a certificate'
        $brokenPem = Join-Path $certDir 'broken.pem'
        Set-Content -LiteralPath $brokenPem -Value "-----BEGIN CERTIFICATE-----`nbm90IGEgY2VydGlmaWNhdGU=`n-----END CERTIFICATE-----"
        foreach ($case in @(
                @{ Path = $notPem; Why = '*holds no PEM certificate*' },
                @{ Path = $brokenPem; Why = '*certificate 1 of the file cannot be read*' },
                @{ Path = (Join-Path $certDir 'missing.pem'); Why = '*there is no such file*' })) {
            $env:ALLY_CA_BUNDLE = $case.Path
            $err = $null
            try { Invoke-AllyChat 'never sent' } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidSetting,*'
            $err.ToString() | Should -BeLike "*(from ALLY_CA_BUNDLE) cannot be used*"
            $err.ToString() | Should -BeLike $case.Why
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*PEM*'
        }
        @(Get-AllyFakeRequest $tls).Count | Should -Be 0
    }
}

Describe 'Network settings in ally.toml' {
    BeforeEach {
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        Reset-AllyFakeServer $tls
        Reset-AllyFakeProxy $proxy
        Reset-AllyFakeProxy $authProxy
        $env:ALLY_MAX_RETRY = '0'
        $env:ALLY_CONFIG = Join-Path $certDir ('ally-' + [guid]::NewGuid().ToString('n') + '.toml')
    }

    It 'takes network.proxy and network.ca_bundle from the file, below ALLY_PROXY' {
        # 'localhost' rather than the address an earlier test used: that client's tunnel would be reused, with no new CONNECT to see.
        Set-Content -LiteralPath $env:ALLY_CONFIG -Value "[network]`nproxy = `"http://localhost:$($proxy.Port)`"`nca_bundle = `"$($good.CaPem)`"`n"
        $env:OLLAMA_HOST = $tls.Url
        (Invoke-AllyChat 'from the file').Content | Should -Be 'You said: from the file'
        @(Get-AllyFakeProxyRequest $proxy).method | Should -Contain 'CONNECT'
        (Get-AllyConfiguration network.proxy).Source | Should -Be "File:$($env:ALLY_CONFIG):2"
        (Test-AllyProvider).Proxy | Should -Be "http://localhost:$($proxy.Port) (from $($env:ALLY_CONFIG):2)"
        (Get-AllyConfiguration network.ca_bundle).Value | Should -Be $good.CaPem

        Reset-AllyFakeProxy $proxy
        $env:ALLY_PROXY = 'none'
        (Invoke-AllyChat 'direct').Content | Should -Be 'You said: direct'
        @(Get-AllyFakeProxyRequest $proxy).Count | Should -Be 0
    }

    It 'never writes or reads a proxy password in the file, and never shows it' {
        $verbose = Set-AllyConfiguration -Key network.proxy -Value $authProxyUrl -Verbose -PassThru -ErrorAction SilentlyContinue -ErrorVariable refused 4>&1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'ApiKeyInConfigFile*'
        $text = & {
            $verbose
            $refused
            Get-AllyConfiguration network.proxy
            Test-AllyConfiguration -ErrorAction SilentlyContinue
        } *>&1 | ConvertTo-AllText
        $text | Should -Not -Match ([regex]::Escape($password))
        $text | Should -Not -Match ([regex]::Escape([Uri]::EscapeDataString($password)))
        Test-Path $env:ALLY_CONFIG | Should -BeFalse

        # Written by hand: refused when read, without repeating it; the variable is the place for it.
        Set-Content -LiteralPath $env:ALLY_CONFIG -Value "[network]`nproxy = `"$authProxyUrl`"`n"
        $err = $null
        try { Invoke-AllyChat 'hi' -ErrorAction Stop } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'ApiKeyInConfigFile*'
        ($err | Out-String) | Should -Not -Match ([regex]::Escape($password))
        $err.ErrorDetails.RecommendedAction | Should -BeLike '*ALLY_PROXY*'

        Remove-Item -LiteralPath $env:ALLY_CONFIG
        $env:ALLY_PROXY = $authProxyUrl
        $env:OLLAMA_HOST = $fake.Url
        (Invoke-AllyChat 'with the credentials from the variable').Content | Should -Be 'You said: with the credentials from the variable'
        @(Get-AllyFakeProxyRequest $authProxy | Where-Object authorized).Count | Should -Be 1
        (Get-AllyConfiguration network.proxy | Out-String) | Should -Not -Match ([regex]::Escape($password))
    }
}
