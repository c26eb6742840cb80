#include "llm/requestgovernor.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <cmath>

namespace ktx {

namespace {
qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

RequestGovernor::RequestGovernor()
    : RequestGovernor(Policy {})
{ }

RequestGovernor::RequestGovernor(Policy policy)
    : m_policy(policy)
{
    m_policy.maxConcurrency = std::max(1, m_policy.maxConcurrency);
    m_policy.maxAttempts = std::max(1, m_policy.maxAttempts);
}

RequestGovernor::Slot::Slot(Slot &&other) noexcept
    : m_owner(std::exchange(other.m_owner, nullptr))
{ }

RequestGovernor::Slot::~Slot()
{
    if (m_owner)
        m_owner->release();
}

std::optional<RequestGovernor::Slot> RequestGovernor::acquire(const CancellationToken &cancel)
{
    QMutexLocker lock(&m_mutex);
    for (;;) {
        if (cancel.isCancelled())
            return std::nullopt;
        const qint64 pause = m_pausedUntilMs - nowMs();
        if (pause <= 0 && m_inFlight < m_policy.maxConcurrency) {
            ++m_inFlight;
            return Slot(this);
        }
        // Wake at least every 50 ms to notice cancellation.
        m_changed.wait(
            &m_mutex,
            static_cast<unsigned long>(std::clamp<qint64>(pause > 0 ? pause : 50, 1, 50)));
    }
}

void RequestGovernor::release()
{
    QMutexLocker lock(&m_mutex);
    --m_inFlight;
    m_changed.wakeAll();
}

int RequestGovernor::inFlight() const
{
    QMutexLocker lock(&m_mutex);
    return m_inFlight;
}

bool RequestGovernor::isRetryable(int status, const QByteArray &errorBody)
{
    if (status == 0)
        return true; // connection refused/reset, timeout, stream cut
    if (status == 429) {
        // A spend limit does not lift by waiting.
        return !errorBody.contains("enforced_spend_limit_reached")
            && !errorBody.contains("insufficient_quota");
    }
    return status == 408 || status == 409 || status == 529 || (status >= 500 && status <= 599);
}

qint64 RequestGovernor::retryDelayMs(int attempt, std::optional<qint64> retryAfterMs) const
{
    qint64 delay;
    if (retryAfterMs && *retryAfterMs >= 0) {
        delay = *retryAfterMs;
    } else {
        const double exp = m_policy.baseDelayMs * std::pow(2.0, std::max(0, attempt - 1));
        delay = static_cast<qint64>(std::min<double>(exp, m_policy.maxDelayMs));
        if (m_policy.jitter) // full jitter in [delay/2, delay]
            delay = delay / 2
                + static_cast<qint64>(
                        QRandomGenerator::global()->bounded(static_cast<double>(delay / 2 + 1)));
    }
    if (m_policy.maxWaitMs > 0)
        delay = std::min<qint64>(delay, m_policy.maxWaitMs);
    return std::max<qint64>(0, delay);
}

void RequestGovernor::pauseFor(qint64 ms)
{
    QMutexLocker lock(&m_mutex);
    m_pausedUntilMs = std::max(m_pausedUntilMs, nowMs() + ms);
}

qint64 RequestGovernor::pauseRemainingMs() const
{
    QMutexLocker lock(&m_mutex);
    return std::max<qint64>(0, m_pausedUntilMs - nowMs());
}

bool RequestGovernor::sleepFor(qint64 ms, const CancellationToken &cancel)
{
    const qint64 end = nowMs() + ms;
    while (!cancel.isCancelled()) {
        const qint64 left = end - nowMs();
        if (left <= 0)
            return true;
        QThread::msleep(static_cast<unsigned long>(std::min<qint64>(left, 25)));
    }
    return false;
}

std::optional<qint64>
RequestGovernor::retryAfterFromHeaders(const QList<QPair<QByteArray, QByteArray>> &headers)
{
    for (const auto &[name, value] : headers) {
        const QByteArray n = name.toLower();
        if (n == "retry-after-ms") {
            bool ok = false;
            const double v = value.trimmed().toDouble(&ok);
            if (ok)
                return static_cast<qint64>(v);
        }
    }
    for (const auto &[name, value] : headers) {
        if (name.toLower() != "retry-after")
            continue;
        bool ok = false;
        const double seconds = value.trimmed().toDouble(&ok);
        if (ok)
            return static_cast<qint64>(seconds * 1000.0);
        const QDateTime when
            = QDateTime::fromString(QString::fromLatin1(value.trimmed()), Qt::RFC2822Date);
        if (when.isValid())
            return std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(when));
    }
    // Without retry-after, the providers' rate-limit headers say when the
    // exhausted budget refills: Anthropic as an RFC 3339 time, OpenAI-style
    // servers as a duration ("1s", "6m0s", "250ms"). Wait for the latest one.
    std::optional<qint64> latest;
    for (const auto &[name, value] : headers) {
        const QByteArray n = name.toLower();
        std::optional<qint64> wait;
        if (n.startsWith("anthropic-ratelimit-") && n.endsWith("-reset")) {
            const QDateTime when
                = QDateTime::fromString(QString::fromLatin1(value.trimmed()), Qt::ISODateWithMs);
            if (when.isValid())
                wait = std::max<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(when));
        } else if (n.startsWith("x-ratelimit-reset")) {
            static const QRegularExpression part(QStringLiteral("(\\d+(?:\\.\\d+)?)(ms|h|m|s)"));
            double ms = 0;
            bool any = false;
            for (auto it = part.globalMatch(QString::fromLatin1(value.trimmed())); it.hasNext();) {
                const QRegularExpressionMatch m = it.next();
                const double v = m.captured(1).toDouble();
                const QString unit = m.captured(2);
                ms += unit == QLatin1String("ms") ? v
                    : unit == QLatin1String("s")  ? v * 1000
                    : unit == QLatin1String("m")  ? v * 60000
                                                  : v * 3600000;
                any = true;
            }
            if (any)
                wait = static_cast<qint64>(ms);
        }
        if (wait && (!latest || *wait > *latest))
            latest = wait;
    }
    return latest;
}

} // namespace ktx
