using System.Diagnostics;
using System.Globalization;
using SQLitePCL;
using VoSpec.Core.Faults;

namespace VoSpec.Archive.Sqlite;

/// <summary>
/// The database-time budget of one query (VoSpec:Limits:SyncQuerySeconds, AsyncQuerySeconds), enforced inside SQLite:
/// a progress handler, called by SQLite itself every 10,000 VM instructions of the statement on the thread that steps
/// it, adds up the time between consecutive calls within one step and stops the statement once that passes the budget.
/// Time between steps (a slow client reading a long stream, the writers' encoding) does not count, so big downloads are
/// bounded by MAXREC and the wall-clock limits (VoSpec:Tap:SyncTimeoutSeconds, the job's execution duration), not by
/// this; what it stops is the statement that works long for each row it returns (a cross join, an aggregate, a scan
/// that filters nearly everything out). It needs no timer thread: the check runs inside the work it limits, so it holds
/// when the machine is too busy to run timers on time. Steps are told apart by a counter (<see cref="Enter"/>), not
/// timed: a clock read costs 60–100 ns here, too much for every row of a stream.
/// One per kept connection (<see cref="AdqlConnection"/>): the handler is installed once, the budget set per query.
/// Readers that step without <see cref="Enter"/> (Microsoft.Data.Sqlite's) count from the statement's first check on.
/// </summary>
public sealed class QueryBudget
{
    /// <summary>VM instructions between checks: a few tens of microseconds of work, so the check costs well under 1%.</summary>
    private const int Instructions = 10_000;

    private long _limit = long.MaxValue;
    private long _used;
    // Which step the statement is in, and the step and time of the last check.
    private long _step, _checkedStep = -1, _checkedAt;
    private double _seconds;
    private string _option = "";

    /// <summary>Set when the budget stopped a statement: the message naming the limit.</summary>
    public string? Exceeded { get; private set; }

    internal void Install(sqlite3 db) => raw.sqlite3_progress_handler(db, Instructions, static o => ((QueryBudget)o).Check(), this);

    /// <summary>A new query with <paramref name="seconds"/> of database time (0 or less: no budget).</summary>
    public void Start(double seconds, string option)
    {
        _seconds = seconds;
        _option = option;
        _limit = seconds > 0 ? (long)(seconds * Stopwatch.Frequency) : long.MaxValue;
        _used = 0;
        _checkedStep = -1;
        Exceeded = null;
    }

    /// <summary>No budget (between queries, for the connection's own statements).</summary>
    public void Stop() => Start(0, "");

    /// <summary>A new step of the statement begins: the time since the last check was spent outside SQLite.</summary>
    public void Enter() => _step++;

    /// <summary>The error to throw for a statement SQLite interrupted: the named budget when it was this, else null.</summary>
    public UserInputException? Error() => Exceeded is { } m ? new QueryBudgetException(m) : null;

    private int Check()
    {
        if (_limit == long.MaxValue) return 0;
        long now = Stopwatch.GetTimestamp();
        if (_step == _checkedStep) _used += now - _checkedAt;
        _checkedStep = _step;
        _checkedAt = now;
        if (_used <= _limit) return 0;
        Exceeded = $"the query used more than its {_seconds.ToString("0.###", CultureInfo.InvariantCulture)} s of database time (VoSpec:Limits:{_option}) and was stopped";
        return 1;
    }
}

/// <summary>A query stopped by its <see cref="QueryBudget"/>: the user's query asked for too much; the message names the limit.</summary>
public sealed class QueryBudgetException(string message) : UserInputException(message);
