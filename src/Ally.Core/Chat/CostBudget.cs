namespace Ally
{
    /// <summary>
    /// A spending limit shared by the requests of one run (-MaxCost): each finished request adds its
    /// reported cost, and no new request starts once the total has reached the limit.
    /// </summary>
    public sealed class CostBudget
    {
        private readonly object _gate = new object();

        /// <summary>Creates a budget of <paramref name="limit"/> USD.</summary>
        public CostBudget(decimal limit) => Limit = limit;

        /// <summary>The limit in USD.</summary>
        public decimal Limit { get; }

        /// <summary>What the finished requests cost so far.</summary>
        public decimal Spent
        {
            get { lock (_gate) return _spent; }
        }
        private decimal _spent;

        /// <summary>Adds a finished request's cost (null when the provider did not report one).</summary>
        public void Add(decimal? cost)
        {
            if (cost is decimal c) lock (_gate) _spent += c;
        }

        /// <summary>Throws CostLimitReached when the limit has been reached; called before a request starts.</summary>
        public void EnsureAvailable()
        {
            decimal spent = Spent;
            if (spent >= Limit)
            {
                throw new AllyException(ErrorIds.CostLimitReached, Messages.CostLimitReached(spent, Limit), Messages.CostLimitRemedy);
            }
        }
    }
}
