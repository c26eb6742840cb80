#include "llm/modelhttp.h"

#include "core/secretredactor.h"
#include "llm/requestgovernor.h"

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

namespace ktx {

namespace {

constexpr qsizetype MaxErrorBody = 64 * 1024;

struct AttemptOutcome
{
    int status = 0;
    HttpHeaders headers;
    QByteArray errorBody;
    QString networkError;
    bool cancelled = false;
    bool timedOut = false;
    std::optional<StreamFailure> streamFailure;
};

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

AttemptOutcome attemptOnce(const ModelHttpRequest &request, ResponseConsumer &consumer,
                           const CancellationToken &cancel)
{
    AttemptOutcome out;
    QNetworkAccessManager nam;
    QNetworkRequest nr(request.url);
    for (const auto &[name, value] : request.headers)
        nr.setRawHeader(name, value);
    if (!nr.hasRawHeader("content-type"))
        nr.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    nr.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                    QNetworkRequest::NoLessSafeRedirectPolicy);

    QNetworkReply *reply = nam.post(nr, request.body);
    QEventLoop loop;
    QTimer idle;
    idle.setSingleShot(true);
    idle.setInterval(request.idleTimeoutMs);
    QTimer total;
    total.setSingleShot(true);
    total.setInterval(request.totalTimeoutMs);
    QTimer poll;
    poll.setInterval(50);

    auto statusOf = [reply] {
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    };
    auto drain = [&] {
        const QByteArray bytes = reply->readAll();
        if (bytes.isEmpty())
            return;
        if (isSuccess(statusOf()))
            consumer.feed(bytes);
        else if (out.errorBody.size() < MaxErrorBody)
            out.errorBody += bytes.left(MaxErrorBody - out.errorBody.size());
    };
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
        idle.start();
        drain();
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&idle, &QTimer::timeout, &loop, [&] {
        out.timedOut = true;
        reply->abort();
    });
    QObject::connect(&total, &QTimer::timeout, &loop, [&] {
        out.timedOut = true;
        reply->abort();
    });
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel.isCancelled()) {
            out.cancelled = true;
            reply->abort();
        }
    });
    idle.start();
    total.start();
    poll.start();
    if (!reply->isFinished())
        loop.exec();
    drain();

    out.status = statusOf();
    out.headers = reply->rawHeaderPairs();
    if (out.cancelled) {
        reply->deleteLater();
        return out;
    }
    if (isSuccess(out.status)) {
        // The consumer judges completeness: a transport error after a complete
        // answer (a server closing without the final chunk) is harmless.
        out.streamFailure = consumer.finish();
        if (out.streamFailure && out.timedOut)
            out.streamFailure->message
                = QStringLiteral("the response stalled for %1 s and was abandoned")
                      .arg(request.idleTimeoutMs / 1000);
    } else if (out.status == 0) {
        out.networkError = out.timedOut
            ? QStringLiteral("no answer within %1 s").arg(request.idleTimeoutMs / 1000)
            : reply->errorString();
    }
    reply->deleteLater();
    return out;
}

QString hintForStatus(int status, const QString &provider)
{
    switch (status) {
    case 401:
        return QStringLiteral("Check the API key %1 uses (llm.provider.*.api_key or its "
                              "environment variable).")
            .arg(provider);
    case 403:
        return QStringLiteral("The key is valid but not allowed to use this model or endpoint; "
                              "check the account's access.");
    case 404:
        return QStringLiteral("Check the model id in llm.models and the base URL.");
    case 429:
        return QStringLiteral("The provider's rate or spend limit was reached; lower "
                              "ingest.maxConcurrency or raise the limit.");
    default:
        return {};
    }
}

} // namespace

QString ModelHttp::errorMessageFromBody(const QByteArray &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonValue error = doc.object().value(QStringLiteral("error"));
        if (error.isObject()) {
            const QString message = error.toObject().value(QStringLiteral("message")).toString();
            if (!message.isEmpty())
                return message;
        } else if (error.isString()) {
            return error.toString();
        }
        const QString message = doc.object().value(QStringLiteral("message")).toString();
        if (!message.isEmpty())
            return message;
    }
    QString text = QString::fromUtf8(body).simplified();
    if (text.size() > 300)
        text = text.left(300) + QStringLiteral("…");
    return text;
}

Result<void> ModelHttp::post(const ModelHttpRequest &request, ResponseConsumer &consumer,
                             RequestGovernor &governor, const CancellationToken &cancel,
                             const AgentEventSink &events)
{
    const int maxAttempts = governor.policy().maxAttempts;
    for (int attempt = 1;; ++attempt) {
        AttemptOutcome out;
        {
            std::optional<RequestGovernor::Slot> slot = governor.acquire(cancel);
            if (!slot)
                return makeError(QStringLiteral("llm.cancelled"),
                                 QStringLiteral("The model request was cancelled."));
            consumer.reset();
            out = attemptOnce(request, consumer, cancel);
        }
        if (out.cancelled)
            return makeError(QStringLiteral("llm.cancelled"),
                             QStringLiteral("The model request was cancelled."));

        QString message;
        QString code;
        bool retryable = false;
        if (isSuccess(out.status)) {
            if (!out.streamFailure)
                return {};
            code = QStringLiteral("llm.stream_failed");
            message = QStringLiteral("%1's response was incomplete: %2")
                          .arg(request.provider, out.streamFailure->message);
            retryable = out.streamFailure->retryable;
        } else if (out.status == 0) {
            code = QStringLiteral("llm.unreachable");
            message
                = QStringLiteral("Could not reach %1 at %2: %3")
                      .arg(request.provider,
                           request.url.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery),
                           out.networkError);
            retryable = true;
        } else {
            code = QStringLiteral("llm.http_%1").arg(out.status);
            message = QStringLiteral("%1 answered HTTP %2: %3")
                          .arg(request.provider)
                          .arg(out.status)
                          .arg(errorMessageFromBody(out.errorBody));
            retryable = RequestGovernor::isRetryable(out.status, out.errorBody);
        }
        message = SecretRedactor::redact(message);
        if (!retryable || attempt >= maxAttempts) {
            if (retryable)
                message += QStringLiteral(" (gave up after %1 attempts)").arg(attempt);
            return makeError(code, message, hintForStatus(out.status, request.provider));
        }

        const std::optional<qint64> retryAfter
            = RequestGovernor::retryAfterFromHeaders(out.headers);
        const qint64 wait = governor.retryDelayMs(attempt, retryAfter);
        if (events) {
            AgentEvent e;
            e.kind = out.status == 429 ? AgentEvent::Kind::RateLimitWait : AgentEvent::Kind::Retry;
            e.attempt = attempt;
            e.waitMs = wait;
            e.text = message;
            events(e);
        }
        if (out.status == 429)
            governor.pauseFor(wait); // every loop sharing the governor backs off, not just this one
        if (!RequestGovernor::sleepFor(wait, cancel))
            return makeError(QStringLiteral("llm.cancelled"),
                             QStringLiteral("The model request was cancelled."));
    }
}

} // namespace ktx
