# What the benchmarks share: interleaved rounds, medians with min–max, and rows of ratios.

$script:Rounds = 7
$script:Results = $null

# Starts a run of -Rounds rounds; returns the list the rows go into (print it at the end).
function Initialize-Bench([int] $Rounds) {
    $script:Rounds = $Rounds
    $script:Results = [System.Collections.Generic.List[object]]::new()
    , $script:Results
}

# Runs each side once per round, rotating which goes first; a side returns a hashtable of figures.
function Measure-Sides([System.Collections.Specialized.OrderedDictionary] $Sides) {
    $names = @($Sides.Keys)
    $figures = @{}
    foreach ($name in $names) { $figures[$name] = [System.Collections.Generic.List[hashtable]]::new() }
    for ($round = 0; $round -lt $script:Rounds; $round++) {
        for ($i = 0; $i -lt $names.Count; $i++) {
            $name = $names[($i + $round) % $names.Count]
            $figures[$name].Add((& $Sides[$name]))
        }
    }
    $figures
}

function Get-Stat([System.Collections.Generic.List[hashtable]] $Runs, [string] $Figure) {
    $values = @($Runs | ForEach-Object { $_[$Figure] }) | Sort-Object
    [pscustomobject]@{ Median = $values[[int][math]::Floor($values.Count / 2)]; Min = $values[0]; Max = $values[-1] }
}

function Format-Stat($Stat, [string] $Unit, [string] $Format = 'N2') {
    "{0} {3} ({1}–{2})" -f $Stat.Median.ToString($Format), $Stat.Min.ToString($Format), $Stat.Max.ToString($Format), $Unit
}

# One row: Ally's figure against a baseline's, with their ratio (and the CPU ratio when both have CPU figures).
function Add-Row([string] $Measure, $Ally, $Baseline, [string] $BaselineName, [string] $Unit, [string] $Figure = 'Ms', [switch] $Inverse, [string] $Format = 'N2') {
    $a = Get-Stat $Ally $Figure
    $b = Get-Stat $Baseline $Figure
    $ratio = if ($Inverse) { $b.Median / $a.Median } else { $a.Median / $b.Median }
    $cpu = ''
    if ($Ally[0].ContainsKey('Cpu') -and $Baseline[0].ContainsKey('Cpu')) {
        $cpu = '{0:N2}' -f ((Get-Stat $Ally 'Cpu').Median / [math]::Max((Get-Stat $Baseline 'Cpu').Median, 0.0001))
    }
    $script:Results.Add([pscustomobject]@{
            Measure    = $Measure
            Ally       = (Format-Stat $a $Unit $Format)
            Baseline   = ('{0} ({1})' -f (Format-Stat $b $Unit $Format), $BaselineName)
            Ratio      = '{0:N2}' -f $ratio
            'CPU ratio' = $cpu
        })
}

Export-ModuleMember -Function Initialize-Bench, Measure-Sides, Get-Stat, Format-Stat, Add-Row
