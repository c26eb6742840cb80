#pragma once

#include "core/cancellationtoken.h"

#include <QMutex>
#include <QWaitCondition>

#include <optional>

namespace ktx {

// One per process (or per ingest run): every model request passes through it.
// It bounds how many requests run at once across parallel agent loops, decides
// whether a failure is worth retrying and how long to wait (exponential backoff
// with jitter, or the server's retry-after), and holds everyone back while the
// provider says we are rate limited. Thread-safe; waits poll the cancellation
// token so a cancelled run never sleeps through its cancellation.
class RequestGovernor
{
public:
    struct Policy
    {
        int maxConcurrency = 4;
        int maxAttempts = 6; // first try included
        int baseDelayMs = 1000;
        int maxDelayMs = 60000;
        bool jitter = true;
        int maxWaitMs = 0; // 0: no cap on a single wait
    };

    RequestGovernor();
    explicit RequestGovernor(Policy policy);
    RequestGovernor(const RequestGovernor &) = delete;
    RequestGovernor &operator=(const RequestGovernor &) = delete;

    const Policy &policy() const { return m_policy; }

    // A held concurrency slot; released when destroyed.
    class Slot
    {
    public:
        Slot(Slot &&other) noexcept;
        Slot &operator=(Slot &&) = delete;
        ~Slot();

    private:
        friend class RequestGovernor;
        explicit Slot(RequestGovernor *owner)
            : m_owner(owner)
        { }
        RequestGovernor *m_owner;
    };

    // Blocks until a slot is free and no rate-limit pause is in force; nullopt
    // when cancelled while waiting.
    std::optional<Slot> acquire(const CancellationToken &cancel);

    // Whether an HTTP status (0 = network failure) is worth another attempt.
    static bool isRetryable(int httpStatus, const QByteArray &errorBody = {});
    // Delay before attempt `attempt + 1` (attempt counts from 1).
    qint64 retryDelayMs(int attempt, std::optional<qint64> retryAfterMs) const;
    // Everyone waits at least this long before the next request (a 429 told us so).
    void pauseFor(qint64 ms);
    qint64 pauseRemainingMs() const;

    // Sleeps in small slices; false when cancelled.
    static bool sleepFor(qint64 ms, const CancellationToken &cancel);

    // Parses `retry-after` (seconds or HTTP date) and the Anthropic/OpenAI reset
    // headers into milliseconds from now.
    static std::optional<qint64>
    retryAfterFromHeaders(const QList<QPair<QByteArray, QByteArray>> &headers);

    int inFlight() const;

private:
    void release();

    Policy m_policy;
    mutable QMutex m_mutex;
    QWaitCondition m_changed;
    int m_inFlight = 0;
    qint64 m_pausedUntilMs = 0; // QDateTime msecs since epoch
};

} // namespace ktx
