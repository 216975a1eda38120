#Requires -Version 7.4
# Get-AllyModel, Install-AllyModel, Remove-AllyModel and model-name completion, against the fake
# Ollama and OpenRouter servers: what a user sees, what goes on the wire, progress records, completion.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Join-Path $PSScriptRoot '../FakeServer.psm1') -Force
    Import-Module $env:ALLY_TEST_MODULE -Force
    $script:savedEnv = Save-AllyEnvironment
    $script:savedExtra = @{}
    foreach ($n in 'ALLY_CACHE_DIR', 'ALLY_OPENROUTER_BASE_URL', 'OPENROUTER_API_KEY') { $savedExtra[$n] = [Environment]::GetEnvironmentVariable($n) }
    $script:server = Start-AllyFakeServer

    function Set-TestEnvironment {
        $env:OLLAMA_HOST = $server.Url
        $env:ALLY_OPENROUTER_BASE_URL = "$($server.Url)api/v1"
        $env:ALLY_PROVIDER = $null
        $env:ALLY_MODEL = $null
        $env:OPENROUTER_API_KEY = $null
        # A fresh completion cache per test: nothing carries over from one test to the next.
        $env:ALLY_CACHE_DIR = Join-Path $TestDrive ([guid]::NewGuid().ToString('N'))
    }

    function Get-Request([string] $Path) { @(Get-AllyFakeRequest $server -Path $Path) }

    # Runs a script in a runspace of its own so its progress, warning and error streams can be read.
    function Invoke-Captured([string] $Script) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$env:ALLY_TEST_MODULE'; $Script")
            $output = $ps.Invoke()
            [pscustomobject]@{
                Output   = @($output)
                Progress = @($ps.Streams.Progress)
                Errors   = @($ps.Streams.Error)
                Warnings = @($ps.Streams.Warning)
            }
        }
        finally {
            $ps.Dispose()
        }
    }

    function Get-Completion([string] $Line) {
        (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches
    }

    # Waits until the runspace's pull is on the wire.
    function Wait-Pull {
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (-not (Get-Request '/api/pull') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
    }
}

AfterAll {
    Stop-AllyFakeServer $server
    Restore-AllyEnvironment $savedEnv
    foreach ($n in $savedExtra.Keys) { [Environment]::SetEnvironmentVariable($n, $savedExtra[$n]) }
}

Describe 'Get-AllyModel' {
    BeforeEach {
        Reset-AllyFakeServer $server
        Set-TestEnvironment
    }

    Context 'Installed models' {
        It 'lists the installed models as Ally.ModelInfo objects in one request' {
            $models = Get-AllyModel
            $models.Count | Should -Be 4
            $models[0].GetType().FullName | Should -Be 'Ally.ModelInfo'
            $llama = $models | Where-Object Name -eq 'llama3.1:latest'
            $llama.Provider | Should -Be 'ollama'
            $llama.Family | Should -Be 'llama'
            $llama.ParameterSize | Should -Be '8.0B'
            $llama.QuantizationLevel | Should -Be 'Q4_K_M'
            $llama.Size | Should -Be 4920753328
            $llama.ModifiedAt | Should -BeOfType [DateTimeOffset]
            $llama.ModifiedAt.UtcDateTime.Year | Should -Be 2025
            (Get-AllyFakeRequest $server).Count | Should -Be 1
            (Get-Request '/api/tags').Count | Should -Be 1
        }

        It 'shows a table with human-readable sizes' {
            $text = Get-AllyModel | Out-String -Width 200
            $text | Should -Match 'Name\s+Family\s+Parameters\s+Quantization\s+Size\s+Modified'
            $text | Should -Match 'llama3\.1:latest\s+llama\s+8\.0B\s+Q4_K_M\s+4\.9 GB'
            $text | Should -Match 'nomic-embed-text:latest\s+nomic-bert\s+137M\s+F16\s+274 MB'
        }

        It 'filters by name with wildcards, and a bare name matches its :latest tag' {
            (Get-AllyModel 'llama*').Name | Should -Be @('llama3.1:latest', 'llama3.2:latest')
            (Get-AllyModel llama3.1).Name | Should -Be 'llama3.1:latest'
            (Get-AllyModel -Name 'QWEN3', 'nomic*').Name | Should -Be @('qwen3:latest', 'nomic-embed-text:latest')
            Get-AllyModel 'nothing*' | Should -BeNullOrEmpty
        }

        It 'reports a name without wildcards that matches nothing as ObjectNotFound, naming it' {
            $out = Get-AllyModel nope -ErrorVariable err -ErrorAction SilentlyContinue
            $out | Should -BeNullOrEmpty
            $err.Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
            $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
            $err[0].Exception.Message | Should -BeLike "*'nope'*Install-AllyModel nope*"
        }

        It '-Detailed adds capabilities, context length, parameters and licence from /api/show' {
            $m = Get-AllyModel llama3.1 -Detailed
            $m.Capabilities | Should -Be @('completion', 'tools')
            $m.SupportsTools | Should -BeTrue
            $m.SupportsVision | Should -BeFalse
            $m.ContextLength | Should -Be 131072
            $m.EmbeddingLength | Should -Be 4096
            $m.ParameterCount | Should -Be 8030261312
            $m.Architecture | Should -Be 'llama'
            $m.Parameters | Should -BeLike '*stop*<|eot_id|>*'
            $m.License | Should -BeLike 'LLAMA 3.1 COMMUNITY LICENSE AGREEMENT*'
            $m.IsDetailed | Should -BeTrue
            (Get-Request '/api/show')[0].Json.model | Should -Be 'llama3.1:latest'
            $q = Get-AllyModel qwen3 -Detailed
            $q.SupportsThinking | Should -BeTrue
            (Get-AllyModel nomic-embed-text -Detailed).IsEmbedding | Should -BeTrue
        }

        It '-Detailed shows a list with the details' {
            $text = Get-AllyModel llama3.1 -Detailed | Out-String -Width 200
            $text | Should -Match 'Capabilities\s+: completion, tools'
            $text | Should -Match 'ContextLength\s+: 131,072'
            $text | Should -Match 'License\s+: LLAMA 3.1 COMMUNITY LICENSE AGREEMENT'
        }

        It 'says how to start Ollama when nothing listens' {
            $env:OLLAMA_HOST = "127.0.0.1:$(Get-AllyFreePort)"
            { Get-AllyModel -ErrorAction Stop } | Should -Throw -ErrorId 'OllamaUnreachable,Ally.PowerShell.Commands.GetAllyModelCommand'
        }

        It 'rejects an unknown provider before any network call' {
            { Get-AllyModel -Provider skynet } | Should -Throw -ErrorId 'ParameterArgumentValidationError,Ally.PowerShell.Commands.GetAllyModelCommand'
            Get-AllyFakeRequest $server | Should -BeNullOrEmpty
        }

        It 'declares its output types' {
            (Get-Command Get-AllyModel).OutputType.Name | Should -Contain 'Ally.ModelInfo'
            (Get-Command Get-AllyModel).OutputType.Name | Should -Contain 'Ally.RecommendedModel'
        }
    }

    Context 'Running models' {
        It '-Running lists loaded models with memory, VRAM, context length and expiry' {
            Get-AllyModel -Running | Should -BeNullOrEmpty
            $null = Invoke-AllyChat 'Hi' -Model llama3.2 -Options @{ num_ctx = 8192 }
            $running = Get-AllyModel -Running
            $running.Count | Should -Be 1
            $running.GetType().FullName | Should -Be 'Ally.RunningModelInfo'
            $running.Name | Should -Be 'llama3.2:latest'
            $running.Size | Should -Be 2019393189
            $running.SizeVram | Should -Be 2019393189
            $running.Processor | Should -Be '100% GPU'
            $running.ContextLength | Should -Be 8192
            $running.ExpiresAt | Should -BeGreaterThan ([DateTimeOffset]::Now)
            $text = $running | Out-String -Width 200
            $text | Should -Match 'llama3\.2:latest\s+2\.0 GB\s+100% GPU\s+8,192\s+\d+ (minute|minutes|second|seconds) from now'
            (Get-Request '/api/ps').Count | Should -Be 2
        }
    }

    Context 'The OpenRouter catalog' {
        It 'lists the catalog without a key, with context length and prices per million tokens' {
            $catalog = Get-AllyModel -Provider OpenRouter
            $catalog.Count | Should -BeGreaterOrEqual 10
            $catalog[0].GetType().FullName | Should -Be 'Ally.CatalogModelInfo'
            $catalog[0] | Should -BeOfType [Ally.CatalogModelInfo]
            $gpt4 = $catalog | Where-Object Name -eq 'openai/gpt-4'
            $gpt4.Provider | Should -Be 'openrouter'
            $gpt4.ContextLength | Should -Be 8191
            $gpt4.PromptPrice | Should -Be 30
            $gpt4.CompletionPrice | Should -Be 60
            $gpt4.SupportsTools | Should -BeTrue
            ($catalog | Where-Object Name -eq 'anthropic/claude-3-haiku').PromptPrice | Should -Be 0.25
            ($catalog | Where-Object Name -eq 'meta-llama/llama-3.2-3b-instruct:free').IsFree | Should -BeTrue
            ($catalog | Where-Object Name -eq 'nousresearch/hermes-3-llama-3.1-405b').ContextLength | Should -BeNullOrEmpty
            ($catalog | Where-Object Name -eq 'openrouter/auto').PromptPrice | Should -BeNullOrEmpty
            foreach ($name in 'openai/gpt-4', 'openai/gpt-4-turbo', 'openai/gpt-4o', 'anthropic/claude-3-opus', 'anthropic/claude-3-sonnet',
                'anthropic/claude-3-haiku', 'openai/gpt-3.5-turbo', 'mistralai/mistral-large', 'google/gemini-pro', 'meta-llama/llama-3.1-405b') {
                $catalog.Name | Should -Contain $name
            }
            $requests = Get-Request '/api/v1/models'
            $requests.Count | Should -Be 1
            $requests[0].Headers.PSObject.Properties.Name | Should -Not -Contain 'Authorization'
        }

        It 'shows prices, context and tool support in its table' {
            $text = Get-AllyModel -Provider openrouter | Out-String -Width 200
            $text | Should -Match 'openai/gpt-4\s+8,191\s+\$30\s+\$60\s+yes'
            $text | Should -Match 'anthropic/claude-3-haiku\s+200,000\s+\$0\.25\s+\$1\.25\s+yes'
            $text | Should -Match 'meta-llama/llama-3\.2-3b-instruct:free\s+131,072\s+free\s+free'
            $text | Should -Match 'openrouter/auto\s+2,000,000\s+variable\s+variable'
        }

        It 'filters by name and by supported parameters (the API''s own filter)' {
            $tools = Get-AllyModel -Provider OpenRouter -SupportedParameter tools
            $tools | ForEach-Object { $_.SupportedParameters | Should -Contain 'tools' }
            $tools.Name | Should -Not -Contain 'meta-llama/llama-3.1-405b'
            (Get-Request '/api/v1/models')[-1].Query | Should -Be '?supported_parameters=tools'
            (Get-AllyModel -Provider OpenRouter 'anthropic/*').Name | Should -Be @('anthropic/claude-3-opus', 'anthropic/claude-3-sonnet', 'anthropic/claude-3-haiku')
            Get-AllyModel -Provider OpenRouter 'openai/gpt-5-nope' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
            $err[0].Exception.Message | Should -BeLike '*vendor/model*'
        }

        It 'reads the catalog from ALLY_OPENROUTER_BASE_URL' {
            $env:ALLY_OPENROUTER_BASE_URL = "127.0.0.1:$(Get-AllyFreePort)/api/v1"
            { Get-AllyModel -Provider OpenRouter -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidOpenRouterBaseUrl,*'
            $env:ALLY_OPENROUTER_BASE_URL = "http://127.0.0.1:$(Get-AllyFreePort)/api/v1"
            { Get-AllyModel -Provider OpenRouter -ErrorAction Stop } | Should -Throw -ErrorId 'ProviderUnreachable,*'
        }

        It 'passes on an error answer from OpenRouter' {
            Set-AllyFakeBehavior $server @{ failNext = @(@{ status = 503; error = 'no providers available'; path = '/api/v1/models' }) }
            { Get-AllyModel -Provider OpenRouter -ErrorAction Stop } | Should -Throw -ExpectedMessage '*503*no providers available*'
        }

        It 'rejects -Detailed for OpenRouter and -SupportedParameter for Ollama' {
            { Get-AllyModel -Provider OpenRouter -Detailed -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination,*'
            { Get-AllyModel -SupportedParameter tools -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidParameterCombination,*'
            Get-AllyFakeRequest $server | Should -BeNullOrEmpty
        }
    }

    Context 'Recommended models' {
        It '-Recommended returns the docs'' recommendations with tier, sizes, download, memory and installed state' {
            $all = Get-AllyModel -Recommended
            $all[0].GetType().FullName | Should -Be 'Ally.RecommendedModel'
            ($all | Where-Object Tier -eq 'Recommended').Name | Should -Be @('llama3.1', 'llama3.2')
            ($all | Where-Object Tier -eq 'Specialized').Name | Should -Be @('codellama', 'mistral', 'phi3', 'qwen2.5')
            ($all | Where-Object Tier -eq 'Top').Count | Should -Be 6
            ($all | Where-Object Tier -eq 'Alternative').Count | Should -Be 4
            $llama = $all | Where-Object Name -eq 'llama3.1'
            $llama.Variants | Should -Be @('8B', '70B', '405B')
            $llama.DownloadSize | Should -Be 4700000000
            $llama.MemoryRequired | Should -Be '8 GB+'
            $llama.IsInstalled | Should -BeTrue
            ($all | Where-Object Name -eq 'codellama').IsInstalled | Should -BeFalse
            ($all | Where-Object Name -eq 'openai/gpt-4').IsInstalled | Should -BeNullOrEmpty
            (Get-Request '/api/tags').Count | Should -Be 1
        }

        It '-UseCase gives the selection guidelines, and -Provider narrows them' {
            $code = Get-AllyModel -Recommended -UseCase Code
            ($code | Where-Object Tier -eq 'Best').Name | Should -Be @('openai/gpt-4', 'anthropic/claude-3-opus')
            ($code | Where-Object Tier -eq 'Good').Name | Should -Be @('llama3.1:70b', 'codellama')
            ($code | Where-Object Tier -eq 'Budget').Name | Should -Be @('openai/gpt-3.5-turbo', 'llama3.2')
            ($code | Where-Object Name -eq 'llama3.1:70b').MemoryRequired | Should -Be '64 GB+'
            $code.UseCase | Select-Object -Unique | Should -Be 'Code'
            (Get-AllyModel -Recommended -UseCase Privacy).Provider | Select-Object -Unique | Should -Be 'ollama'
            (Get-AllyModel -Recommended -UseCase Chat -Provider OpenRouter).Name | Should -Be @('anthropic/claude-3-sonnet', 'openai/gpt-4-turbo', 'anthropic/claude-3-haiku')
            # Only the lists with local models ask Ollama what is installed.
            Get-AllyFakeRequest $server -Path '/api/tags' | Should -HaveCount 2
        }

        It 'shows a table with the tiers, sizes and whether each is installed' {
            $text = Get-AllyModel -Recommended -UseCase Code | Out-String -Width 250
            $text | Should -Match 'Tier\s+Name\s+Provider\s+Size\s+Download\s+Memory\s+Installed'
            $text | Should -Match 'Good\s+llama3\.1:70b\s+ollama\s+70B\s+43 GB\s+64 GB\+\s+no'
            $text | Should -Match 'Budget\s+llama3\.2\s+ollama\s+3B\s+2\.0 GB\s+4 GB\+\s+yes'
        }

        It 'says whether OpenRouter still serves each hosted recommendation, asking it only when -Provider openrouter is given' {
            $catalog = @(
                @{ id = 'openai/gpt-4'; name = 'GPT-4'; pricing = @{ prompt = '0.00003'; completion = '0.00006' }; architecture = @{ output_modalities = @('text') } }
                @{ id = 'openai/gpt-4o'; name = 'GPT-4o'; pricing = @{ prompt = '0.0000025'; completion = '0.00001' }; architecture = @{ output_modalities = @('text') } }
            )
            Invoke-RestMethod -Method Put -Uri "$($server.Url)_fake/openrouter/models" -Body (ConvertTo-Json -InputObject $catalog -Depth 5) -ContentType 'application/json' -NoProxy | Out-Null

            # Without -Provider, nothing is asked of OpenRouter: availability stays unknown until the catalog is cached.
            $all = Get-AllyModel -Recommended
            ($all | Where-Object Name -eq 'openai/gpt-4').IsAvailable | Should -BeNullOrEmpty
            Get-Request '/api/v1/models' | Should -BeNullOrEmpty

            $hosted = Get-AllyModel -Recommended -Provider openrouter
            ($hosted | Where-Object Name -eq 'openai/gpt-4').IsAvailable | Should -BeTrue
            ($hosted | Where-Object Name -eq 'anthropic/claude-3-opus').IsAvailable | Should -BeFalse
            Get-Request '/api/v1/models' | Should -HaveCount 1
            (Get-AllyModel -Recommended -UseCase Code -Provider openrouter | Out-String -Width 250) | Should -Match 'anthropic/claude-3-opus\s+openrouter\s+retired'

            # Now cached: the general list says it too, without another request; local models have no availability.
            $again = Get-AllyModel -Recommended
            ($again | Where-Object Name -eq 'anthropic/claude-3-opus').IsAvailable | Should -BeFalse
            ($again | Where-Object Name -eq 'llama3.1').IsAvailable | Should -BeNullOrEmpty
            Get-Request '/api/v1/models' | Should -HaveCount 1
        }

        It 'still lists the recommendations when Ollama is down, with a warning and unknown installed state' {
            $env:OLLAMA_HOST = "127.0.0.1:$(Get-AllyFreePort)"
            $r = Get-AllyModel -Recommended -UseCase Privacy -WarningVariable warn -WarningAction SilentlyContinue
            $r.Count | Should -Be 5
            $r.IsInstalled | Where-Object { $null -ne $_ } | Should -BeNullOrEmpty
            $warn[0].Message | Should -BeLike '*Could not connect to Ollama*'
        }
    }
}

Describe 'Install-AllyModel' {
    BeforeEach {
        Reset-AllyFakeServer $server
        Set-TestEnvironment
    }

    It 'pulls with one progress bar per layer under a parent, then a Completed record for each' {
        $r = Invoke-Captured 'Install-AllyModel mistral'
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -BeNullOrEmpty
        $progress = $r.Progress
        $parent = @($progress | Where-Object ActivityId -eq 1)
        $layers = @($progress | Where-Object ParentActivityId -eq 1)
        ($layers.ActivityId | Select-Object -Unique).Count | Should -Be 3
        $parent[0].Activity | Should -Be 'Installing mistral'
        $layers[0].Activity | Should -Match '^Layer [0-9a-f]{12}$'

        # Bytes done of the total, percent only when the total is known.
        $weights = @($layers | Where-Object { $_.ActivityId -eq 2 -and $_.RecordType -eq 'Processing' })
        $weights[0].StatusDescription | Should -Be '0 B of 4.1 GB'
        $weights[0].PercentComplete | Should -Be 0
        $weights[-1].StatusDescription | Should -Be '4.1 GB of 4.1 GB'
        $weights[-1].PercentComplete | Should -Be 100
        @($weights.PercentComplete | Where-Object { $_ -gt 0 -and $_ -lt 100 }).Count | Should -BeGreaterOrEqual 3
        # The step lines before any layer have no total: no percent, certainly not 100.
        ($parent | Where-Object StatusDescription -eq 'pulling manifest').PercentComplete | Should -Be -1
        $parent.StatusDescription | Should -Contain 'verifying sha256 digest'
        $parent.StatusDescription | Should -Contain 'writing manifest'
        $parent.StatusDescription | Should -Contain 'success'

        # Completed for every record that was started, the parent last.
        $completed = @($progress | Where-Object RecordType -eq 'Completed')
        $completed.ActivityId | Sort-Object | Should -Be @(1, 2, 3, 4)
        $progress[-1].ActivityId | Should -Be 1
        $progress[-1].RecordType | Should -Be 'Completed'

        (Get-AllyModel mistral).Name | Should -Be 'mistral:latest'
        (Get-Request '/api/pull')[0].Json.model | Should -Be 'mistral'
        (Get-Request '/api/pull')[0].Json.stream | Should -BeTrue
    }

    It 'does not show a layer line without completed as done' {
        $r = Invoke-Captured 'Install-AllyModel gemma3'
        foreach ($id in 2, 3, 4) {
            $first = $r.Progress | Where-Object ActivityId -eq $id | Select-Object -First 1
            $first.PercentComplete | Should -Be 0
            $first.StatusDescription | Should -BeLike '0 B of *'
        }
    }

    It 'reports an unknown model (HTTP 200, then an error line) as an error record, and still completes the progress' {
        $r = Invoke-Captured 'Install-AllyModel no-such-model'
        $r.Errors.Count | Should -Be 1
        $r.Errors[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
        $r.Errors[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $r.Errors[0].Exception.Message | Should -BeLike '*no-such-model*pull model manifest: file does not exist*'
        $r.Errors[0].TargetObject | Should -Be 'no-such-model'
        $r.Progress[-1].RecordType | Should -Be 'Completed'
        $r.Progress[-1].ActivityId | Should -Be 1
        Get-AllyModel no-such-model -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
    }

    It 'reports a pull that breaks off as an error that says to run it again' {
        Set-AllyFakeBehavior $server @{ truncateAfterChunks = 4 }
        Install-AllyModel mistral -ErrorVariable err -ErrorAction SilentlyContinue 3>$null
        $err.Count | Should -Be 1
        $err[0].Exception.Message | Should -BeLike '*Install-AllyModel mistral*again*'
    }

    It 'Ctrl+C stops a stalled pull and completes the progress; running it again resumes from the bytes already there' {
        Set-AllyFakeBehavior $server @{ stallAfterChunks = 9 }
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$env:ALLY_TEST_MODULE'; Install-AllyModel mistral")
        $async = $ps.BeginInvoke()
        Wait-Pull
        $deadline = [DateTime]::UtcNow.AddSeconds(30)
        while (@($ps.Streams.Progress | Where-Object { $_.ActivityId -eq 2 -and $_.PercentComplete -gt 0 }).Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 50
        }
        Start-Sleep -Milliseconds 300
        $async.IsCompleted | Should -BeFalse
        $stop = $ps.BeginStop($null, $null)
        $stop.AsyncWaitHandle.WaitOne([TimeSpan]::FromSeconds(10)) | Should -BeTrue
        $ps.InvocationStateInfo.State | Should -Be 'Stopped'
        $first = @($ps.Streams.Progress)
        $ps.Dispose()
        $first[-1].RecordType | Should -Be 'Completed'
        $first[-1].ActivityId | Should -Be 1
        $reached = ($first | Where-Object { $_.ActivityId -eq 2 -and $_.RecordType -eq 'Processing' })[-1].PercentComplete
        $reached | Should -BeGreaterThan 0
        $reached | Should -BeLessThan 100
        Get-AllyModel mistral -ErrorAction SilentlyContinue | Should -BeNullOrEmpty

        Set-AllyFakeBehavior $server @{ stallAfterChunks = $null }
        $again = Invoke-Captured 'Install-AllyModel mistral'
        $again.Errors | Should -BeNullOrEmpty
        $resumed = $again.Progress | Where-Object ActivityId -eq 2 | Select-Object -First 1
        # The first line of the weights already counts the bytes of the interrupted pull.
        $resumed.PercentComplete | Should -BeGreaterOrEqual $reached
        $resumed.StatusDescription | Should -Not -BeLike '0 B of *'
        (Get-AllyModel mistral).Name | Should -Be 'mistral:latest'
    }

    It '-WhatIf says what it would do and pulls nothing' {
        $result = Invoke-ChildPwsh -Script "Import-Module '$env:ALLY_TEST_MODULE'; Install-AllyModel llama3.2, mistral -WhatIf" -Environment @{ OLLAMA_HOST = $server.Url; ALLY_CACHE_DIR = $env:ALLY_CACHE_DIR }
        $result.ExitCode | Should -Be 0
        $result.StdOut | Should -BeLike '*What if: Performing the operation "Download and install the Ollama model" on target "llama3.2"*'
        $result.StdOut | Should -BeLike '*on target "mistral"*'
        Get-Request '/api/pull' | Should -BeNullOrEmpty
    }

    It 'supports -Confirm and declares ConfirmImpact Medium' {
        $attribute = (Get-Command Install-AllyModel).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.SupportsShouldProcess | Should -BeTrue
        $attribute.ConfirmImpact | Should -Be 'Medium'
        (Get-Command Install-AllyModel).Parameters.Keys | Should -Contain 'Confirm'
    }

    It 'takes names from the pipeline and emits the installed models with -PassThru' {
        $installed = 'mistral', 'all-minilm' | Install-AllyModel -PassThru 3>$null
        $installed.Name | Should -Be @('mistral:latest', 'all-minilm:latest')
        $installed[0].GetType().FullName | Should -Be 'Ally.ModelInfo'
        (Get-Request '/api/pull').Json.model | Should -Be @('mistral', 'all-minilm')
    }

    It 'installs the local models of a use case from Get-AllyModel -Recommended, skipping hosted ones with a warning' {
        $r = Invoke-Captured 'Get-AllyModel -Recommended -UseCase Code | Install-AllyModel -PassThru'
        $r.Errors | Should -BeNullOrEmpty
        (Get-Request '/api/pull').Json.model | Should -Be @('llama3.1:70b', 'codellama', 'llama3.2')
        $r.Output.Name | Should -Be @('llama3.1:70b', 'codellama:latest', 'llama3.2:latest')
        $r.Warnings.Count | Should -Be 1
        $r.Warnings[0].Message | Should -BeLike '*openai/gpt-4*anthropic/claude-3-opus*openai/gpt-3.5-turbo*'
    }

    It 'skips a hosted (OpenRouter) model, which needs no install, with a warning' {
        Install-AllyModel openai/gpt-4o -Provider OpenRouter -WarningVariable warn -WarningAction SilentlyContinue
        $warn[0].Message | Should -BeLike '*openai/gpt-4o*'
        Get-Request '/api/pull' | Should -BeNullOrEmpty
    }

    It 'rejects a malformed name before any network call and goes on with the rest' {
        Install-AllyModel 'not a model', 'mistral' -ErrorVariable err -ErrorAction SilentlyContinue 3>$null
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidModelName,*'
        (Get-Request '/api/pull').Json.model | Should -Be 'mistral'
    }
}

Describe 'Remove-AllyModel' {
    BeforeEach {
        Reset-AllyFakeServer $server
        Set-TestEnvironment
    }

    It 'deletes with DELETE /api/delete and a JSON body' {
        Remove-AllyModel llama3.2 -Confirm:$false
        $request = Get-Request '/api/delete'
        $request.Count | Should -Be 1
        $request[0].Method | Should -Be 'DELETE'
        $request[0].Json.model | Should -Be 'llama3.2'
        (Get-AllyModel).Name | Should -Not -Contain 'llama3.2:latest'
    }

    It 'Get-AllyModel ''llama*'' | Remove-AllyModel -WhatIf names each model and deletes none' {
        $result = Invoke-ChildPwsh -Script "Import-Module '$env:ALLY_TEST_MODULE'; Get-AllyModel 'llama*' | Remove-AllyModel -WhatIf" -Environment @{ OLLAMA_HOST = $server.Url; ALLY_CACHE_DIR = $env:ALLY_CACHE_DIR }
        $result.ExitCode | Should -Be 0
        $result.StdOut | Should -BeLike '*What if: Performing the operation "Delete the Ollama model" on target "llama3.1:latest"*'
        $result.StdOut | Should -BeLike '*on target "llama3.2:latest"*'
        Get-Request '/api/delete' | Should -BeNullOrEmpty
        (Get-AllyModel).Count | Should -Be 4
    }

    It 'removes what Get-AllyModel pipes in' {
        Get-AllyModel 'llama*' | Remove-AllyModel -Confirm:$false
        (Get-Request '/api/delete').Json.model | Should -Be @('llama3.1:latest', 'llama3.2:latest')
        (Get-AllyModel).Name | Should -Be @('qwen3:latest', 'nomic-embed-text:latest')
    }

    It 'has ConfirmImpact High' {
        $attribute = (Get-Command Remove-AllyModel).ImplementingType.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false)[0]
        $attribute.SupportsShouldProcess | Should -BeTrue
        $attribute.ConfirmImpact | Should -Be 'High'
    }

    It 'reports an unknown model as ObjectNotFound with its name, and goes on with the rest' {
        Remove-AllyModel 'ghost', 'qwen3' -Confirm:$false -ErrorVariable err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ModelNotFound,*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -BeLike "*model 'ghost' not found*"
        $err[0].TargetObject | Should -Be 'ghost'
        (Get-AllyModel).Name | Should -Not -Contain 'qwen3:latest'
    }

    It 'a deleted model downloads in full when installed again' {
        Invoke-Captured 'Install-AllyModel llama3.2' | Out-Null
        Remove-AllyModel llama3.2 -Confirm:$false
        $again = Invoke-Captured 'Install-AllyModel llama3.2'
        ($again.Progress | Where-Object ActivityId -eq 2 | Select-Object -First 1).PercentComplete | Should -Be 0
    }
}

Describe 'Model name completion' {
    BeforeEach {
        Reset-AllyFakeServer $server
        Set-TestEnvironment
    }

    It 'completes -Model of Invoke-AllyChat with the installed models' {
        $completions = Get-Completion 'Invoke-AllyChat -Model ll'
        $completions.CompletionText | Should -Be @('llama3.1', 'llama3.2')
        $completions[0].ToolTip | Should -BeLike 'llama3.1:latest (8.0B, Q4_K_M, 4.9 GB)'
        (Get-Completion 'Invoke-AllyChat "Hi" -Model qw').CompletionText | Should -Be 'qwen3'
    }

    It 'completes the OpenRouter catalog when -Provider says so' {
        (Get-Completion 'Invoke-AllyChat -Provider openrouter -Model anthropic/').CompletionText |
            Should -Be @('anthropic/claude-3-opus', 'anthropic/claude-3-sonnet', 'anthropic/claude-3-haiku')
        (Get-Completion 'Invoke-AllyChat -Provider openrouter -Model gpt-4').CompletionText | Should -Contain 'openai/gpt-4o'
        (Get-Completion 'Get-AllyModel -Provider OpenRouter -Name claude-3-h').CompletionText | Should -Be 'anthropic/claude-3-haiku'
        Get-Request '/api/tags' | Should -BeNullOrEmpty
    }

    It 'never fetches the catalog of a provider that was not asked for' {
        $null = Get-Completion 'Invoke-AllyChat -Model '
        Get-Request '/api/v1/models' | Should -BeNullOrEmpty
        # Once cached (here by Get-AllyModel), the catalog is offered too.
        $null = Get-AllyModel -Provider OpenRouter
        (Get-Completion 'Invoke-AllyChat -Model gpt-3').CompletionText | Should -Be 'openai/gpt-3.5-turbo'
        (Get-Request '/api/v1/models').Count | Should -Be 1
    }

    It 'completes -Name of the model cmdlets' {
        (Get-Completion 'Remove-AllyModel nomic').CompletionText | Should -Be 'nomic-embed-text'
        (Get-Completion 'Get-AllyModel -Name qw').CompletionText | Should -Be 'qwen3'
        (Get-Completion 'Install-AllyModel codel').CompletionText | Should -Contain 'codellama'
        (Get-Completion 'Install-AllyModel llama3.1:').CompletionText | Should -Be @('llama3.1:8b', 'llama3.1:70b', 'llama3.1:405b')
        (Get-Completion 'Get-AllyModel -Recommended -Name anthropic/claude-3-o').CompletionText | Should -Be 'anthropic/claude-3-opus'
    }

    It 'completes -Provider, -UseCase and -SupportedParameter' {
        (Get-Completion 'Get-AllyModel -Provider o').CompletionText | Should -Be @('ollama', 'openrouter', 'openai')
        (Get-Completion 'Get-AllyModel -Recommended -UseCase P').CompletionText | Should -Be 'Privacy'
        (Get-Completion 'Get-AllyModel -Provider OpenRouter -SupportedParameter too').CompletionText | Should -Be @('tools', 'tool_choice')
    }

    It 'makes no network call per key press: one request fills a cache on disk' {
        foreach ($line in 'Invoke-AllyChat -Model l', 'Invoke-AllyChat -Model ll', 'Invoke-AllyChat -Model lla', 'Invoke-AllyChat -Model llam',
            'Remove-AllyModel llama', 'Get-AllyModel llama3', 'Install-AllyModel llama3.2') {
            Get-Completion $line | Should -Not -BeNullOrEmpty
        }
        (Get-Request '/api/tags').Count | Should -Be 1
        (Get-AllyFakeRequest $server).Count | Should -Be 1
        Get-ChildItem $env:ALLY_CACHE_DIR -Filter 'ollama-installed-*.json' | Should -HaveCount 1
    }

    It 'keeps the cache up to date from Get-AllyModel, Install-AllyModel and Remove-AllyModel' {
        $null = Get-AllyModel
        (Get-Completion 'Invoke-AllyChat -Model mis').CompletionText | Should -BeNullOrEmpty
        (Get-Request '/api/tags').Count | Should -Be 1
        Install-AllyModel mistral 3>$null
        (Get-Completion 'Invoke-AllyChat -Model mis').CompletionText | Should -Be 'mistral'
        Remove-AllyModel mistral -Confirm:$false
        (Get-Completion 'Invoke-AllyChat -Model mis').CompletionText | Should -BeNullOrEmpty
    }

    It 'serves a stale cache at once and refreshes it in the background' {
        New-Item -ItemType Directory -Path $env:ALLY_CACHE_DIR | Out-Null
        $port = ([Uri]$server.Url).Port
        $stale = @{ fetchedAt = [DateTimeOffset]::UtcNow.AddHours(-2).ToString('o'); items = @(@{ name = 'oldmodel'; description = 'from the cache' }) }
        $stale | ConvertTo-Json | Set-Content (Join-Path $env:ALLY_CACHE_DIR "ollama-installed-127.0.0.1_$($port)_.json")
        (Get-Completion 'Invoke-AllyChat -Model old').CompletionText | Should -Be 'oldmodel'
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while (-not (Get-Request '/api/tags') -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        (Get-Request '/api/tags').Count | Should -Be 1
        $deadline = [DateTime]::UtcNow.AddSeconds(10)
        while ((Get-Completion 'Invoke-AllyChat -Model ll').Count -eq 0 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 50 }
        (Get-Completion 'Invoke-AllyChat -Model ll').CompletionText | Should -Be @('llama3.1', 'llama3.2')
        (Get-Completion 'Invoke-AllyChat -Model old').CompletionText | Should -BeNullOrEmpty
    }

    It 'shows no error when the server is down' {
        $env:OLLAMA_HOST = "127.0.0.1:$(Get-AllyFreePort)"
        $errorsBefore = $global:Error.Count
        foreach ($line in 'Invoke-AllyChat -Model l', 'Invoke-AllyChat -Model ll', 'Remove-AllyModel ll') {
            { Get-Completion $line } | Should -Not -Throw
            (Get-Completion $line).CompletionText | Where-Object { $_ -like 'llama*' } | Should -BeNullOrEmpty
        }
        $global:Error.Count | Should -Be $errorsBefore
    }

    It 'shows no error for an unusable OLLAMA_HOST' {
        $env:OLLAMA_HOST = 'ftp://nowhere'
        { Get-Completion 'Invoke-AllyChat -Model ll' } | Should -Not -Throw
    }
}

Describe 'Model cmdlet help' {
    It 'Get-Help <cmdlet> -Full documents every parameter and has examples' -ForEach @(
        @{ Name = 'Get-AllyModel' }, @{ Name = 'Install-AllyModel' }, @{ Name = 'Remove-AllyModel' }
    ) {
        $help = Get-Help $Name -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -BeLike "*$Name*[<]*"
        @($help.Examples.Example).Count | Should -BeGreaterOrEqual 3
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters
        foreach ($parameter in (Get-Command $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
            ($help.Parameters.Parameter | Where-Object Name -eq $parameter).Description.Text | Should -Not -BeNullOrEmpty -Because "-$parameter needs a description"
        }
    }

    It 'shows the pipelines users will type' {
        $code = ('Get-AllyModel', 'Install-AllyModel', 'Remove-AllyModel' | ForEach-Object { (Get-Help $_ -Examples).Examples.Example.Code }) -join "`n"
        $code | Should -BeLike "*Get-AllyModel 'llama*' | Remove-AllyModel -WhatIf*"
        $code | Should -BeLike '*Get-AllyModel -Recommended -UseCase Code | Install-AllyModel*'
        $code | Should -BeLike '*-Provider OpenRouter*'
    }

    It 'about_Ally covers model management' {
        $about = Get-Help about_Ally | Out-String
        $about | Should -BeLike '*Install-AllyModel*'
        $about | Should -BeLike '*ALLY_CACHE_DIR*'
    }
}
