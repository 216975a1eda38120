<#
.SYNOPSIS
    Measures Ally's embeddings against baselines, side by side, in interleaved rounds, and prints ratios.
.DESCRIPTION
    Everything runs in this process against the loopback fake servers (Ollama's /api/embed and the
    OpenAI face under /openai/v1). Rounds alternate the sides (the side that goes first rotates);
    each row reports the median with min–max and the ratio of the medians.

    (a) The simple embedder: MB of text per second through New-AllyEmbedding (files chunked at 512
        tokens), against reading the same files with Get-Content -Raw. Target: at least 20 MB/s.
    (b) -Inputs short texts through the Ollama fake and through the OpenAI fake: New-AllyEmbedding
        (batched, several requests at once) against one Invoke-RestMethod per text. Target: at least
        20 times faster per item.
    (c) A top-10 search over -Items vectors of -Dimensions (random, unit length): Search-AllyEmbedding
        -Vector against a plain PowerShell loop computing the same dot products (timed on -LoopItems
        items and compared per item). Target: at least 1,000 times faster per item.
    (d) The search's bytes scanned per second against this machine's memory bandwidth, measured in
        the same run as the best of several 256 MB array copies. Target: at least 50 %.
.EXAMPLE
    dotnet pwsh ./bench/Invoke-EmbeddingBenchmark.ps1
#>
[CmdletBinding()]
param(
    [ValidateRange(1, 100)]
    [int] $Rounds = 3,
    [ValidateRange(1, 1000)]
    [int] $CorpusMB = 16,
    [ValidateRange(100, 1000000)]
    [int] $Inputs = 10000,
    [ValidateRange(1000, 10000000)]
    [int] $Items = 100000,
    [ValidateRange(8, 8192)]
    [int] $Dimensions = 768,
    [ValidateRange(10, 100000)]
    [int] $LoopItems = 1000,
    [switch] $NoBuild,
    # The module to measure (default: the build in out/Ally).
    [string] $ModulePath
)

$ErrorActionPreference = 'Stop'
$root = Split-Path $PSScriptRoot
$module = if ($ModulePath) { (Resolve-Path $ModulePath).Path } else { Join-Path $root 'out/Ally/Ally.psd1' }
$baselineDll = Join-Path $PSScriptRoot 'Ally.Bench.Baselines/bin/Release/net10.0/Ally.Bench.Baselines.dll'

if (-not $NoBuild) {
    & (Join-Path $root 'build.ps1') -Task Build | Out-Null
    dotnet build (Join-Path $root 'tests/Ally.FakeServers/Ally.FakeServers.csproj') -c Release --nologo -v quiet -clp:ErrorsOnly
    dotnet build (Join-Path $PSScriptRoot 'Ally.Bench.Baselines/Ally.Bench.Baselines.csproj') -c Release --nologo -v quiet -clp:ErrorsOnly
    if ($LASTEXITCODE) { throw 'Building the benchmark failed.' }
}

Import-Module (Join-Path $root 'tests/FakeServer.psm1') -Force
Import-Module (Join-Path $PSScriptRoot 'BenchTools.psm1') -Force
Import-Module $module -Force
Add-Type -Path $baselineDll
$results = Initialize-Bench -Rounds $Rounds
$server = Start-AllyFakeServer
$corpus = Join-Path ([IO.Path]::GetTempPath()) "ally-embench-$PID"
$key = 'sk-ally-bench-0123456789abcdef0123456789abcdef'

function Measure-Ms([scriptblock] $Block) { (Measure-Command $Block).TotalMilliseconds }

try {
    $env:OLLAMA_HOST = $server.Url
    $env:ALLY_OPENAI_BASE_URL = "$($server.Url)openai/v1"
    $env:OPENAI_API_KEY = $key
    foreach ($n in 'ALLY_EMBEDDING_PROVIDER', 'ALLY_EMBEDDING_MODEL', 'ALLY_MAX_RETRY') { [Environment]::SetEnvironmentVariable($n, $null) }

    # (a) The simple embedder over a corpus of files.
    Write-Host "(a) simple embedder over $CorpusMB MB of files: $Rounds rounds" -ForegroundColor Cyan
    New-Item -ItemType Directory $corpus | Out-Null
    $files = 1..($CorpusMB * 4) | ForEach-Object { $p = Join-Path $corpus "doc$_.md"; [IO.File]::WriteAllText($p, [Ally.Bench.EmbeddingData]::Corpus(256KB, $_)); $p }
    $mb = ($files | ForEach-Object { (Get-Item $_).Length } | Measure-Object -Sum).Sum / 1MB
    $null = Get-ChildItem $corpus | Select-Object -First 2 | New-AllyEmbedding -ChunkSize 512   # warm up
    $simple = Measure-Sides ([ordered]@{
            ally = { @{ MBps = $mb / ((Measure-Ms { Get-ChildItem $corpus | New-AllyEmbedding -ChunkSize 512 | Out-Null }) / 1000) } }
            read = { @{ MBps = $mb / ((Measure-Ms { Get-ChildItem $corpus | Get-Content -Raw | Out-Null }) / 1000) } }
        })
    Add-Row "simple embedder, MB/s (target >= 20)" $simple.ally $simple.read 'Get-Content -Raw of the same files' 'MB/s' 'MBps' -Format 'N1'

    # (b) Many short texts: batched and concurrent, against one Invoke-RestMethod per text.
    Write-Host "(b) $Inputs texts through the Ollama and OpenAI fakes: $Rounds rounds" -ForegroundColor Cyan
    $texts = 1..$Inputs | ForEach-Object { "short text number $_ about topic $($_ % 97)" }
    $ollamaUrl = "$($server.Url)api/embed"
    $openaiUrl = "$($server.Url)openai/v1/embeddings"
    $headers = @{ Authorization = "Bearer $key" }
    $null = $texts[0..9] | New-AllyEmbedding -Provider ollama
    $null = $texts[0..9] | New-AllyEmbedding -Provider openai
    $many = Measure-Sides ([ordered]@{
            allyOllama = { @{ Ms = (Measure-Ms { $texts | New-AllyEmbedding -Provider ollama | Out-Null }) / $Inputs } }
            irmOllama  = { @{ Ms = (Measure-Ms { foreach ($t in $texts) { $null = Invoke-RestMethod $ollamaUrl -Method Post -ContentType 'application/json' -Body (@{ model = 'nomic-embed-text'; input = $t } | ConvertTo-Json -Compress) } }) / $Inputs } }
            allyOpenAI = { @{ Ms = (Measure-Ms { $texts | New-AllyEmbedding -Provider openai | Out-Null }) / $Inputs } }
            irmOpenAI  = { @{ Ms = (Measure-Ms { foreach ($t in $texts) { $null = Invoke-RestMethod $openaiUrl -Method Post -ContentType 'application/json' -Headers $headers -Body (@{ model = 'text-embedding-3-small'; input = $t } | ConvertTo-Json -Compress) } }) / $Inputs } }
        })
    Add-Row "$Inputs texts, Ollama: per item (target: >= 20x faster)" $many.allyOllama $many.irmOllama 'Invoke-RestMethod per text' 'ms' -Format 'N3'
    Add-Row "$Inputs texts, OpenAI: per item (target: >= 20x faster)" $many.allyOpenAI $many.irmOpenAI 'Invoke-RestMethod per text' 'ms' -Format 'N3'

    # (c) and (d) Search over many vectors.
    Write-Host "(c) top-10 search over $Items x $Dimensions vectors: $Rounds rounds" -ForegroundColor Cyan
    $vectors = [Ally.Bench.EmbeddingData]::RandomUnitVectors($Items, $Dimensions, 42)
    $set = [Ally.Embedding[]]::new($Items)
    for ($i = 0; $i -lt $Items; $i++) { $set[$i] = [Ally.Embedding]::new("item $i", $vectors[$i], 'ollama', 'nomic-embed-text') }
    $query = [Ally.Bench.EmbeddingData]::RandomUnitVectors(1, $Dimensions, 7)[0]
    $null = Search-AllyEmbedding -Vector $query -InputObject $set -Top 10
    $loopSet = $vectors[0..($LoopItems - 1)]
    $search = Measure-Sides ([ordered]@{
            ally = { @{ Ms = (Measure-Ms { $null = Search-AllyEmbedding -Vector $query -InputObject $set -Top 10 }) / $Items } }
            loop = {
                @{ Ms = (Measure-Ms {
                            $scores = foreach ($v in $loopSet) { $dot = 0.0; for ($d = 0; $d -lt $v.Length; $d++) { $dot += $v[$d] * $query[$d] }; $dot }
                            $null = $scores | Sort-Object -Descending | Select-Object -First 10
                        }) / $LoopItems }
            }
        })
    Add-Row "top-10 search over $Items x ${Dimensions}: per item (target: >= 1000x faster)" $search.ally $search.loop "PowerShell loop ($LoopItems items)" 'ms' -Format 'N6'

    $bytes = [double]$Items * $Dimensions * 4
    $copy = [Ally.Bench.EmbeddingData]::CopyBytesPerSecond(256, 5)
    $scan = foreach ($run in $search.ally) { @{ GBps = $bytes / ($run.Ms * $Items / 1000) / 1GB } }
    $yardstick = foreach ($run in $search.ally) { @{ GBps = $copy / 1GB } }
    Add-Row "search: bytes scanned per second (target: >= 50 % of the copy)" ([System.Collections.Generic.List[hashtable]]$scan) ([System.Collections.Generic.List[hashtable]]$yardstick) '256 MB array copy' 'GB/s' 'GBps' -Format 'N2'
}
finally {
    Stop-AllyFakeServer $server
    Remove-Item -Recurse -Force $corpus -ErrorAction Ignore
}

$results | Format-Table -AutoSize -Wrap | Out-String -Width 220 | Write-Host
