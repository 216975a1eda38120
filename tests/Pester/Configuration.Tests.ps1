#Requires -Version 7.4
# ally.toml and the one precedence (parameter > environment > project file > user file > default) for
# chat, models and embeddings; Get-/Set-/Test-AllyConfiguration; api_key_env; the documented
# performance variables; secrets never shown.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:names = 'OLLAMA_HOST', 'ALLY_PROVIDER', 'ALLY_MODEL', 'OPENROUTER_API_KEY', 'ALLY_OPENROUTER_BASE_URL', 'ALLY_SECRET_VAULT',
        'ALLY_MAX_RETRY', 'ALLY_CONFIG', 'XDG_CONFIG_HOME', 'ALLY_EMBEDDING_PROVIDER', 'ALLY_EMBEDDING_MODEL', 'OLLAMA_NUM_THREADS',
        'OLLAMA_GPU_LAYERS', 'OLLAMA_MAX_LOADED_MODELS', 'OPENROUTER_CACHE_ENABLED', 'MY_ROUTER_KEY', 'OPENAI_API_KEY', 'ALLY_OPENAI_BASE_URL'
    $script:saved = @{}
    foreach ($n in $names) { $saved[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:startFolder = Get-Location
    $script:server = Start-AllyFakeServer
    $script:key = 'sk-or-v1-ally-fake-key-0123456789abcdef0123456789abcdef'

    function Get-ChatRequest { @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/chat') }
    function Get-LastChatBody { (Get-ChatRequest)[-1].Json }
    # Writes a file and returns its path.
    function Write-Toml([string] $Path, [string] $Text) {
        New-Item -ItemType Directory -Force (Split-Path $Path) | Out-Null
        Set-Content -Path $Path -Value $Text -NoNewline
        $Path
    }
}

AfterAll {
    Set-Location $startFolder
    Stop-AllyFakeServer $server
    foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $saved[$n]) }
}

Describe 'ally.toml' {
    BeforeEach {
        Reset-AllyFakeServer $server
        foreach ($n in $names) { [Environment]::SetEnvironmentVariable($n, $null) }
        $env:OLLAMA_HOST = $server.Url
        # An empty config home: the user file is whatever a test writes there.
        $script:root = Join-Path ([IO.Path]::GetTempPath()) ("ally-config-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $env:XDG_CONFIG_HOME = Join-Path $root 'home'
        $script:userFile = Join-Path $env:XDG_CONFIG_HOME 'ally/ally.toml'
        $script:project = Join-Path $root 'project'
        $script:deep = Join-Path $project 'src/deeper'
        New-Item -ItemType Directory -Force $deep | Out-Null
        Set-Location $deep
    }

    AfterEach {
        Set-Location $startFolder
        Remove-Item -Recurse -Force $root -ErrorAction SilentlyContinue
    }

    Context 'Finding the files' {
        It 'reads the user file from the user config folder (XDG_CONFIG_HOME/ally/ally.toml)' {
            Write-Toml $userFile "[provider]`nmodel = `"llama3.2`"`n" | Out-Null
            $row = Get-AllyConfiguration provider.model
            $row.Value | Should -Be 'llama3.2'
            $row.Source | Should -Be "File:$($userFile):2"
            $null = Invoke-AllyChat 'hi'
            (Get-LastChatBody).model | Should -Be 'llama3.2'
        }

        It 'reads the file ALLY_CONFIG names instead of the user file' {
            Write-Toml $userFile "[provider]`nmodel = `"llama3.2`"`n" | Out-Null
            $env:ALLY_CONFIG = Write-Toml (Join-Path $root 'ci/ally.toml') "[provider]`nmodel = `"qwen3`"`n"
            (Get-AllyConfiguration provider.model).Value | Should -Be 'qwen3'
            (Get-AllyConfiguration provider.model).Source | Should -Be "File:$($env:ALLY_CONFIG):2"
        }

        It 'lets a project file in a parent folder override the user file, and only below that folder' {
            Write-Toml $userFile "[provider]`nmodel = `"llama3.2`"`n[limits]`nmax_retry = 1`n" | Out-Null
            $projectFile = Write-Toml (Join-Path $project 'ally.toml') "# the project's model`n[provider]`nmodel = `"qwen3`"`n"
            $null = Invoke-AllyChat 'hi'
            (Get-LastChatBody).model | Should -Be 'qwen3'
            (Get-AllyConfiguration provider.model).Source | Should -Be "File:$($projectFile):3"
            # What the project file does not set still comes from the user file.
            (Get-AllyConfiguration limits.max_retry).Source | Should -Be "File:$($userFile):4"
            Set-Location $root
            (Get-AllyConfiguration provider.model).Value | Should -Be 'llama3.2'
        }

        It 'completes model names from the server the current folder''s file names' {
            $env:OLLAMA_HOST = $null
            $env:ALLY_CACHE_DIR = Join-Path $root 'cache'
            try {
                Write-Toml (Join-Path $project 'ally.toml') "[ollama]`nhost = `"$($server.Url)`"`n" | Out-Null
                $line = 'Invoke-AllyChat -Model llama3.'
                (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'llama3.2'
            }
            finally { $env:ALLY_CACHE_DIR = $null }
        }

        It 'reads a file again when it changes, in the same session' {
            Write-Toml $userFile "[provider]`nmodel = `"llama3.2`"`n" | Out-Null
            $null = Invoke-AllyChat 'one'
            Write-Toml $userFile "[provider]`nmodel = `"mistral`" # changed`n" | Out-Null
            (Get-AllyConfiguration provider.model).Value | Should -Be 'mistral'
        }
    }

    Context 'One precedence: parameter > environment > project file > user file > default' {
        It 'applies to chat' {
            (Get-AllyConfiguration provider.model).Source | Should -Be 'Default'
            $null = Invoke-AllyChat 'a'
            (Get-LastChatBody).model | Should -Be 'llama3.1'
            Write-Toml $userFile "[provider]`nmodel = `"llama3.2`"`n" | Out-Null
            $null = Invoke-AllyChat 'b'
            (Get-LastChatBody).model | Should -Be 'llama3.2'
            Write-Toml (Join-Path $project 'ally.toml') "[provider]`nmodel = `"qwen3`"`n" | Out-Null
            $null = Invoke-AllyChat 'c'
            (Get-LastChatBody).model | Should -Be 'qwen3'
            $env:ALLY_MODEL = 'llama3.1'
            $null = Invoke-AllyChat 'd'
            (Get-LastChatBody).model | Should -Be 'llama3.1'
            (Get-AllyConfiguration provider.model).Source | Should -Be 'Environment:ALLY_MODEL'
            $null = Invoke-AllyChat 'e' -Model llama3.2
            (Get-LastChatBody).model | Should -Be 'llama3.2'
        }

        It 'applies to the model cmdlets (the Ollama host from a file, overridden by OLLAMA_HOST)' {
            $env:OLLAMA_HOST = $null
            Write-Toml $userFile "[ollama]`nhost = `"$($server.Url)`"`n" | Out-Null
            (Get-AllyModel).Name | Should -Contain 'llama3.2:latest'
            (Get-AllyFakeRequest $server | Where-Object Path -eq '/api/tags') | Should -Not -BeNullOrEmpty
            $env:OLLAMA_HOST = 'http://127.0.0.1:9'
            { Get-AllyModel -ErrorAction Stop } | Should -Throw -ErrorId 'OllamaUnreachable*'
        }

        It 'applies to embeddings (provider and model from the files, then the environment, then -Provider)' {
            Write-Toml $userFile "[embeddings]`nprovider = `"ollama`"`n" | Out-Null
            $e = New-AllyEmbedding 'some text'
            $e.Provider | Should -Be 'ollama'
            $e.Model | Should -Be 'nomic-embed-text'
            Write-Toml (Join-Path $project 'ally.toml') "[embeddings]`nprovider = `"simple`"`n" | Out-Null
            (New-AllyEmbedding 'some text').Provider | Should -Be 'simple'
            $env:ALLY_EMBEDDING_PROVIDER = 'ollama'
            (New-AllyEmbedding 'some text').Provider | Should -Be 'ollama'
            (New-AllyEmbedding 'some text' -Provider simple).Provider | Should -Be 'simple'
        }

        It 'applies the limits of a file to every request (max_tokens, retries)' {
            Write-Toml $userFile "[limits]`nmax_tokens = 77`nmax_retry = 0`n" | Out-Null
            $null = Invoke-AllyChat 'hi'
            (Get-LastChatBody).options.num_predict | Should -Be 77
            Set-AllyFakeBehavior $server @{ failNext = @(New-AllyFakeFailure 503 -Path '/api/chat') }
            { Invoke-AllyChat 'again' -ErrorAction Stop } | Should -Throw
            @(Get-ChatRequest).Count | Should -Be 2   # no retry: max_retry = 0 from the file
        }
    }

    Context 'Bad files' {
        It 'stops with the file, line and column of a syntax error' {
            $file = Write-Toml $userFile "[provider]`nmodel = `"llama3.2`"`nname = `n"
            $err = $null
            try { Invoke-AllyChat 'hi' -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'ConfigFileSyntax*'
            $err.Exception.Message | Should -BeLike "*$($file):3:*"
            $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
            @(Get-ChatRequest).Count | Should -Be 0
        }

        It 'warns about an unknown key with the nearest valid key, and about a value of the wrong kind, and goes on' {
            $file = Write-Toml $userFile "[provider]`nmodle = `"x`"`n[limits]`nmax_tokens = `"lots`"`n"
            $r = Invoke-AllyChat 'hi' -WarningVariable warnings 3>$null
            $r.Content | Should -Not -BeNullOrEmpty
            $text = $warnings -join "`n"
            $text | Should -BeLike "*$($file):2*provider.modle*Did you mean 'provider.model'*"
            $text | Should -BeLike "*$($file):4*limits.max_tokens takes an integer, not a string*"
            (Get-LastChatBody).options.num_predict | Should -BeNullOrEmpty
        }

        It 'refuses an API key written in the file, without showing it' {
            Write-Toml $userFile "[provider]`nname = `"openrouter`"`napi_key = `"$key`"`n" | Out-Null
            $err = $null
            try { Invoke-AllyChat 'hi' -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'ApiKeyInConfigFile*'
            ($err | Out-String) | Should -Not -BeLike "*$key*"
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*api_key_env*'
        }

        It 'names a value that cannot be used with its file and line' {
            $file = Write-Toml $userFile "[limits]`nmax_retry = 50`n"
            { Invoke-AllyChat 'hi' -ErrorAction Stop } | Should -Throw -ExpectedMessage "*$($file):2*"
        }
    }

    Context 'api_key_env' {
        It 'reads the key from the variable the file names' {
            $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
            $env:MY_ROUTER_KEY = $key
            Write-Toml $userFile "[provider]`nname = `"openrouter`"`nmodel = `"openai/gpt-4o`"`napi_key_env = `"MY_ROUTER_KEY`"`n" | Out-Null
            $r = Invoke-AllyChat 'hi'
            $r.Provider | Should -Be 'openrouter'
            $req = @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/v1/chat/completions')[-1]
            $req.Headers.Authorization | Should -Be "Bearer $key"
        }

        It 'names that variable when it is empty' {
            $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
            $env:OPENROUTER_API_KEY = $key   # the provider's own variable is not read instead
            Write-Toml $userFile "[provider]`nname = `"openrouter`"`napi_key_env = `"MY_ROUTER_KEY`"`n" | Out-Null
            # A compatible server (not openrouter.ai) may need no key, so the request goes; its 401 names the variable.
            $err = $null
            try { Invoke-AllyChat 'hi' -ErrorAction Stop } catch { $err = $_ }
            $err.FullyQualifiedErrorId | Should -BeLike 'InvalidApiKey*'
            $err.ErrorDetails.RecommendedAction | Should -BeLike '*MY_ROUTER_KEY*'
            $err.ErrorDetails.RecommendedAction | Should -Not -BeLike '*OPENROUTER_API_KEY*'
        }
    }

    Context 'Ollama performance settings' {
        It 'sends OLLAMA_NUM_THREADS and OLLAMA_GPU_LAYERS as num_thread and num_gpu' {
            $env:OLLAMA_NUM_THREADS = '6'
            $env:OLLAMA_GPU_LAYERS = '20'
            $null = Invoke-AllyChat 'hi'
            $body = Get-LastChatBody
            $body.options.num_thread | Should -Be 6
            $body.options.num_gpu | Should -Be 20
        }

        It 'sends [ollama.options] and keep_alive from the file, with -Options over them option by option' {
            Write-Toml $userFile "[ollama]`nkeep_alive = `"10m`"`nnum_thread = 3`n[ollama.options]`nnum_ctx = 8192`ntop_k = 20`n" | Out-Null
            $null = Invoke-AllyChat 'hi' -Options @{ top_k = 5 }
            $body = Get-LastChatBody
            $body.keep_alive | Should -Be '10m'
            $body.options.num_ctx | Should -Be 8192
            $body.options.top_k | Should -Be 5
            $body.options.num_thread | Should -Be 3
        }

        It 'sends them with Ollama embeddings too (but not num_ctx: inputs are sized from the model)' {
            $env:OLLAMA_NUM_THREADS = '6'
            Write-Toml $userFile "[ollama]`nkeep_alive = -1`n[ollama.options]`nnum_ctx = 1024`n" | Out-Null
            $null = New-AllyEmbedding 'some text' -Provider ollama
            $body = @(Get-AllyFakeRequest $server | Where-Object Path -eq '/api/embed')[-1].Json
            $body.options.num_thread | Should -Be 6
            $body.keep_alive | Should -Be -1
            $body.options.PSObject.Properties.Name | Should -Not -Contain 'num_ctx'
        }

        It 'names the file for an Ollama option it does not have' {
            $file = Write-Toml $userFile "[ollama.options]`nnum_ctxx = 8192`n"
            { Invoke-AllyChat 'hi' -ErrorAction Stop } | Should -Throw -ErrorId 'UnknownOllamaOption*' -ExpectedMessage "*$file*"
        }
    }

    Context 'Get-AllyConfiguration' {
        It 'lists every setting with value and source, and a key only as (set)' {
            $env:OPENROUTER_API_KEY = $key
            $rows = Get-AllyConfiguration
            $rows.Count | Should -BeGreaterThan 15
            $row = $rows | Where-Object EnvironmentVariable -eq 'OPENROUTER_API_KEY'
            $row.Value | Should -Be '(set)'
            $row.Source | Should -Be 'Environment:OPENROUTER_API_KEY'
            $row.IsSecret | Should -BeTrue
            ($rows | Format-List * | Out-String -Width 400) | Should -Not -BeLike "*$key*"
            ($rows | Format-Table | Out-String -Width 400) | Should -Not -BeLike "*$key*"
        }

        It 'finds settings by key, name or variable, with wildcards, and reports an unknown name' {
            (Get-AllyConfiguration limits.*).Key | Should -Contain 'limits.max_tokens'
            (Get-AllyConfiguration ALLY_MODEL).Key | Should -Be 'provider.model'
            Get-AllyConfiguration provider.modle -ErrorVariable e -ErrorAction SilentlyContinue
            $e[0].FullyQualifiedErrorId | Should -BeLike 'UnknownConfigKey*'
            $e[0].Exception.Message | Should -BeLike "*provider.model*"
        }

        It 'shows a value that cannot be used with its problem instead of failing' {
            $env:ALLY_MAX_RETRY = 'many'
            $row = Get-AllyConfiguration limits.max_retry
            $row.Problem | Should -Not -BeNullOrEmpty
            $row.Source | Should -Be 'Environment:ALLY_MAX_RETRY'
        }
    }

    Context 'Set-AllyConfiguration' {
        It 'writes the user file, keeping comments, order and keys it does not know' {
            $original = "# my settings`n[provider]   # chat`nname = `"ollama`" # local`nmodel = `"llama3.1`"  # the model`n`n[custom]`nmine = 1`n"
            Write-Toml $userFile $original | Out-Null
            Set-AllyConfiguration -Key provider.model -Value llama3.2 -WarningAction SilentlyContinue
            Set-AllyConfiguration limits.max_tokens 400 -WarningAction SilentlyContinue
            $text = Get-Content -Raw $userFile
            $text.StartsWith("# my settings`n[provider]   # chat`nname = `"ollama`" # local`nmodel = `"llama3.2`"  # the model`n`n[custom]`nmine = 1`n") | Should -BeTrue
            $text | Should -Match ([regex]::Escape("[limits]`nmax_tokens = 400"))
            (Get-AllyConfiguration provider.model).Value | Should -Be 'llama3.2'
            (Get-AllyConfiguration limits.max_tokens).Value | Should -Be '400'
        }

        It 'creates the user file and its folder' {
            Test-Path $userFile | Should -BeFalse
            $row = Set-AllyConfiguration provider.model qwen3 -PassThru
            $row.Source | Should -Be "File:$($userFile):2"
            Test-Path $userFile | Should -BeTrue
        }

        It 'writes the project file with -Scope Project (the nearest one, else one in the current folder)' {
            Set-AllyConfiguration provider.model qwen3 -Scope Project
            Test-Path (Join-Path $deep 'ally.toml') | Should -BeTrue
            Remove-Item (Join-Path $deep 'ally.toml')
            Write-Toml (Join-Path $project 'ally.toml') "[provider]`nmodel = `"llama3.2`"`n" | Out-Null
            Set-AllyConfiguration provider.model mistral -Scope Project
            Get-Content -Raw (Join-Path $project 'ally.toml') | Should -BeLike '*model = "mistral"*'
            Test-Path $userFile | Should -BeFalse
        }

        It 'changes nothing with -WhatIf' {
            Write-Toml $userFile "[provider]`nmodel = `"llama3.1`"`n" | Out-Null
            Set-AllyConfiguration provider.model llama3.2 -WhatIf
            Get-Content -Raw $userFile | Should -Be "[provider]`nmodel = `"llama3.1`"`n"
        }

        It 'validates before writing: a bad value, an unknown key, a secret' {
            Write-Toml $userFile "[limits]`nmax_retry = 2`n" | Out-Null
            Set-AllyConfiguration limits.max_retry 50 -ErrorVariable e1 -ErrorAction SilentlyContinue
            $e1[0].Exception.Message | Should -BeLike '*0*10*'
            Set-AllyConfiguration provider.nmae ollama -ErrorVariable e2 -ErrorAction SilentlyContinue
            $e2[0].FullyQualifiedErrorId | Should -BeLike 'UnknownConfigKey*'
            $e2[0].Exception.Message | Should -BeLike "*provider.name*"
            Set-AllyConfiguration provider.api_key $key -ErrorVariable e3 -ErrorAction SilentlyContinue
            $e3[0].FullyQualifiedErrorId | Should -BeLike 'ApiKeyInConfigFile*'
            ($e3 | Out-String) | Should -Not -BeLike "*$key*"
            Set-AllyConfiguration ollama.options.num_ctxx 1 -ErrorVariable e4 -ErrorAction SilentlyContinue
            $e4[0].FullyQualifiedErrorId | Should -BeLike 'UnknownOllamaOption*'
            Get-Content -Raw $userFile | Should -Be "[limits]`nmax_retry = 2`n"
        }

        It 'sets Ollama options one by one or from a hashtable' {
            Set-AllyConfiguration ollama.options @{ num_ctx = 16384; top_p = 0.9 }
            Set-AllyConfiguration ollama.options.seed 42
            $null = Invoke-AllyChat 'hi'
            $body = Get-LastChatBody
            $body.options.num_ctx | Should -Be 16384
            $body.options.top_p | Should -Be 0.9
            $body.options.seed | Should -Be 42
        }

        It 'warns when a variable still overrides what it wrote' {
            $env:ALLY_MODEL = 'llama3.1'
            Set-AllyConfiguration provider.model llama3.2 -WarningVariable w 3>$null
            ($w -join ' ') | Should -BeLike '*ALLY_MODEL*'
        }

        It 'completes keys' {
            $line = 'Set-AllyConfiguration -Key provider.mo'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'provider.model'
            $line = 'Set-AllyConfiguration -Key ollama.options.num_c'
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain 'ollama.options.num_ctx'
        }
    }

    Context 'Test-AllyConfiguration' {
        It 'passes a good configuration with one result per check and no error' {
            Write-Toml $userFile "[provider]`nmodel = `"llama3.2`"`n" | Out-Null
            $checks = Test-AllyConfiguration -ErrorVariable e
            $e | Should -BeNullOrEmpty
            $checks.Status | Should -Not -Contain 'Failed'
            ($checks | Where-Object Check -eq 'File').Message | Should -BeLike "*$userFile*"
            ($checks | Where-Object Check -eq 'Chat').Message | Should -BeLike '*ollama*llama3.2*'
            @(Get-AllyFakeRequest $server).Count | Should -Be 0   # offline
        }

        It 'gates a CI job: a missing key fails with -ErrorAction Stop, and -Quiet says $false' {
            $env:ALLY_PROVIDER = 'openrouter'
            { Test-AllyConfiguration -ErrorAction Stop } | Should -Throw -ErrorId 'ConfigurationInvalid*'
            $checks = Test-AllyConfiguration -ErrorAction SilentlyContinue
            $failed = $checks | Where-Object Status -eq 'Failed'
            $failed.ErrorId | Should -Contain 'ApiKeyRequired'
            $failed.Remedy | Should -Not -BeNullOrEmpty
            Test-AllyConfiguration -Quiet | Should -BeFalse
        }

        It 'checks the model-name form per provider, URLs, limits and the files themselves' {
            $env:ALLY_OPENROUTER_BASE_URL = 'not a url'
            $env:ALLY_MAX_RETRY = '99'
            Write-Toml (Join-Path $project 'ally.toml') "[provider]`nname = `"openrouter`"`nmodel = `"gpt-4o`"`n" | Out-Null
            $env:OPENROUTER_API_KEY = $key
            $failed = Test-AllyConfiguration -ErrorAction SilentlyContinue | Where-Object Status -eq 'Failed'
            $failed.ErrorId | Should -Contain 'InvalidOpenRouterBaseUrl'
            $failed.ErrorId | Should -Contain 'InvalidSetting'
            $env:ALLY_OPENROUTER_BASE_URL = $null
            $failed = Test-AllyConfiguration -ErrorAction SilentlyContinue | Where-Object Status -eq 'Failed'
            $failed.ErrorId | Should -Contain 'InvalidModelName'
            Write-Toml $userFile "[provider`n" | Out-Null
            $failed = Test-AllyConfiguration -ErrorAction SilentlyContinue | Where-Object Status -eq 'Failed'
            $failed.ErrorId | Should -Contain 'ConfigFileSyntax'
        }

        It 'says which documented variables do not apply to Ally' {
            $env:OLLAMA_MAX_LOADED_MODELS = '2'
            $env:OPENROUTER_CACHE_ENABLED = 'true'
            $checks = Test-AllyConfiguration
            ($checks | Where-Object Target -eq 'OLLAMA_MAX_LOADED_MODELS').Message | Should -BeLike '*Ollama server*'
            ($checks | Where-Object Target -eq 'OPENROUTER_CACHE_ENABLED').Status | Should -Be 'Warning'
            ($checks | Where-Object Target -eq 'OPENROUTER_CACHE_ENABLED').Message | Should -BeLike '*no effect*'
        }

        It 'checks the servers with -Online' {
            $checks = Test-AllyConfiguration -Online
            ($checks | Where-Object Check -eq 'Provider').Status | Should -Be 'Passed'
            $env:ALLY_MODEL = 'not-installed-model'
            $checks = Test-AllyConfiguration -Online -ErrorAction SilentlyContinue
            $provider = $checks | Where-Object Check -eq 'Provider'
            $provider.Status | Should -Be 'Failed'
            $provider.Message | Should -BeLike '*Install-AllyModel*'
        }
    }
}
