// The HTTP backends (anthropic, vertex, gateway, openai-compatible) against the
// scripted fake providers: the wire format each one sends, streaming and not,
// tool round trips, retries and waits, and every way a response can go wrong.
#include "agent/agentruntime.h"
#include "agent/chatagentloop.h"
#include "agent/llmprobe.h"
#include "core/secretredactor.h"
#include "fakemodelserver.h"
#include "llm/anthropicchatmodel.h"
#include "llm/embeddingclient.h"
#include "llm/openaichatmodel.h"
#include "llm/requestgovernor.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTimer>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace ktx;
using ktx::test::FakeModelServer;
using Reply = FakeModelServer::Reply;

namespace {

const QString Key = QStringLiteral("sk-fake-7c1e9b2d44aa");

LlmSettings settingsFor(const QString &backend, const QUrl &base)
{
    LlmSettings s;
    s.backend = backend;
    s.models = LlmSettings::presetModels(
        backend == QLatin1String("openai-compatible") ? QStringLiteral("codex") : backend,
        QStringLiteral("qwen-test"));
    if (backend == QLatin1String("openai-compatible"))
        s.baseUrl = QUrl(base.toString() + QStringLiteral("/v1"));
    else
        s.baseUrl = base;
    s.apiKey = Key;
    s.vertexProject = QStringLiteral("proj-1");
    s.vertexLocation = QStringLiteral("us-east5");
    s.vertexAccessToken = QStringLiteral("ya29.fake-token");
    s.idleTimeoutMs = 2000;
    SecretRedactor::registerSecret(Key);
    SecretRedactor::registerSecret(s.vertexAccessToken);
    return s;
}

std::shared_ptr<RequestGovernor> fastGovernor(int attempts = 4)
{
    return std::make_shared<RequestGovernor>(RequestGovernor::Policy {.maxConcurrency = 2,
                                                                      .maxAttempts = attempts,
                                                                      .baseDelayMs = 5,
                                                                      .maxDelayMs = 20,
                                                                      .jitter = true,
                                                                      .maxWaitMs = 0});
}

ToolSet echoTools(int *calls)
{
    ToolSet set;
    AgentTool echo;
    echo.name = QStringLiteral("echo");
    echo.description = QStringLiteral("Echo the text back");
    echo.inputSchema
        = QJsonDocument::fromJson(
              R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"],"additionalProperties":false})")
              .object();
    echo.execute = [calls](const QJsonObject &args, const CancellationToken &) {
        ++*calls;
        return ToolOutput::success(QStringLiteral("echo: ")
                                   + args.value(QStringLiteral("text")).toString());
    };
    set.add(echo);
    return set;
}

struct Events
{
    QList<AgentEvent> list;
    AgentEventSink sink()
    {
        return [this](const AgentEvent &e) {
            list << e;
        };
    }
    int count(AgentEvent::Kind k) const
    {
        return int(std::count_if(list.begin(), list.end(),
                                 [k](const AgentEvent &e) { return e.kind == k; }));
    }
    QString dump() const
    {
        QString out;
        for (const AgentEvent &e : list)
            out += QString::fromUtf8(
                QJsonDocument(agentEventToJson(e)).toJson(QJsonDocument::Compact));
        return out;
    }
};

} // namespace

class TestHttpBackends : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void toolRoundTrip_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<bool>("streaming");
        for (const char *b : {"anthropic", "gateway", "vertex", "openai-compatible"}) {
            QTest::addRow("%s streaming", b) << QString::fromLatin1(b) << true;
            QTest::addRow("%s whole", b) << QString::fromLatin1(b) << false;
        }
    }

    void toolRoundTrip()
    {
        QFETCH(QString, backend);
        QFETCH(bool, streaming);
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &r, int) {
            if (!r.hasToolResult())
                return Reply::call(QStringLiteral("echo"),
                                   {{QStringLiteral("text"), QStringLiteral("ping ✓")}});
            return Reply::say(QStringLiteral("The tool said: ") + r.lastToolResult());
        });
        int calls = 0;
        LoopRequest req;
        req.role = QStringLiteral("triage");
        req.systemPrompt = QStringLiteral("You are a test.");
        req.userPrompt = QStringLiteral("Call echo.");
        req.tools = echoTools(&calls);
        req.stepBudget = 5;

        LlmSettings settings = settingsFor(backend, fake.baseUrl());
        settings.maxOutputTokens = 1234;
        Events events;
        LoopResult r;
        if (!streaming) {
            // The whole-response path is what probes use; drive it through the chat models
            // directly.
            if (backend == QLatin1String("openai-compatible")) {
                OpenAiChatModel chat(settings, std::make_shared<RequestGovernor>());
                chat.setStreaming(false);
                r = ChatAgentLoop::run(chat, settings.modelFor(req.role), req, events.sink());
            } else {
                AnthropicChatModel chat(settings, std::make_shared<RequestGovernor>());
                chat.setStreaming(false);
                r = ChatAgentLoop::run(chat, settings.modelFor(req.role), req, events.sink());
            }
        } else {
            r = AgentRuntime(settings, fastGovernor()).run(req, events.sink());
        }
        QVERIFY2(r.stopReason == StopReason::Natural, qPrintable(r.error.toText()));
        QCOMPARE(r.steps, 2);
        QCOMPARE(calls, 1);
        QCOMPARE(r.finalText, QStringLiteral("The tool said: echo: ping ✓"));
        QCOMPARE(r.usage.outputTokens, 14);
        QCOMPARE(events.count(AgentEvent::Kind::ToolCallStarted), 1);
        QCOMPARE(events.count(AgentEvent::Kind::ToolCallFinished), 1);
        QCOMPARE(events.count(AgentEvent::Kind::StepFinished), 2);
        QVERIFY(!events.dump().contains(Key));

        const QList<FakeModelServer::Request> sent = fake.requests();
        QCOMPARE(sent.size(), 2);
        const FakeModelServer::Request &first = sent.first();
        QCOMPARE(first.toolNames(), QStringList {QStringLiteral("echo")});
        if (backend == QLatin1String("vertex")) {
            QCOMPARE(first.path,
                     QStringLiteral("/v1/projects/proj-1/locations/us-east5/publishers/anthropic/"
                                    "models/claude-haiku-4-5:%1")
                         .arg(streaming ? QStringLiteral("streamRawPredict")
                                        : QStringLiteral("rawPredict")));
            QCOMPARE(first.body.value(QStringLiteral("anthropic_version")).toString(),
                     QStringLiteral("vertex-2023-10-16"));
            QVERIFY(!first.body.contains(QStringLiteral("model")));
            QCOMPARE(httpHeaderValue(first.headers, "authorization"),
                     QByteArray("Bearer ya29.fake-token"));
            QVERIFY(httpHeaderValue(first.headers, "x-api-key").isEmpty());
        } else if (backend == QLatin1String("openai-compatible")) {
            QCOMPARE(first.path, QStringLiteral("/v1/chat/completions"));
            QCOMPARE(first.body.value(QStringLiteral("model")).toString(),
                     QStringLiteral("qwen-test"));
            QCOMPARE(httpHeaderValue(first.headers, "authorization"),
                     QByteArray("Bearer " + Key.toUtf8()));
            QCOMPARE(first.body.value(QStringLiteral("messages"))
                         .toArray()
                         .first()
                         .toObject()
                         .value(QStringLiteral("role"))
                         .toString(),
                     QStringLiteral("system"));
            // The tool result goes back as a `tool` message paired with the call id.
            const QJsonArray second = sent.at(1).body.value(QStringLiteral("messages")).toArray();
            QCOMPARE(second.last().toObject().value(QStringLiteral("role")).toString(),
                     QStringLiteral("tool"));
            QCOMPARE(second.last().toObject().value(QStringLiteral("tool_call_id")).toString(),
                     second.at(second.size() - 2)
                         .toObject()
                         .value(QStringLiteral("tool_calls"))
                         .toArray()
                         .first()
                         .toObject()
                         .value(QStringLiteral("id"))
                         .toString());
        } else {
            QCOMPARE(first.path, QStringLiteral("/v1/messages"));
            QCOMPARE(first.body.value(QStringLiteral("model")).toString(),
                     QStringLiteral("claude-haiku-4-5"));
            QCOMPARE(httpHeaderValue(first.headers, "x-api-key"), Key.toUtf8());
            QCOMPARE(httpHeaderValue(first.headers, "anthropic-version"), QByteArray("2023-06-01"));
            QCOMPARE(first.body.value(QStringLiteral("max_tokens")).toInt(),
                     streaming ? 1234 : 8192);
            // Prompt caching is on by default: system, last tool and the newest message carry
            // markers.
            QVERIFY(first.body.value(QStringLiteral("system"))
                        .toArray()
                        .first()
                        .toObject()
                        .contains(QStringLiteral("cache_control")));
            QVERIFY(first.body.value(QStringLiteral("tools"))
                        .toArray()
                        .last()
                        .toObject()
                        .contains(QStringLiteral("cache_control")));
            const QJsonArray second = sent.at(1).body.value(QStringLiteral("messages")).toArray();
            QCOMPARE(second.size(), 3);
            const QJsonObject result = second.last()
                                           .toObject()
                                           .value(QStringLiteral("content"))
                                           .toArray()
                                           .first()
                                           .toObject();
            QCOMPARE(result.value(QStringLiteral("type")).toString(),
                     QStringLiteral("tool_result"));
            QCOMPARE(result.value(QStringLiteral("content")).toString(),
                     QStringLiteral("echo: ping ✓"));
        }
    }

    void neverEndingModelStopsAtBudget_data()
    {
        QTest::addColumn<QString>("backend");
        for (const char *b : {"anthropic", "gateway", "vertex", "openai-compatible"})
            QTest::newRow(b) << QString::fromLatin1(b);
    }
    void neverEndingModelStopsAtBudget()
    {
        QFETCH(QString, backend);
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &, int index) {
            return Reply::call(QStringLiteral("echo"),
                               {{QStringLiteral("text"), QString::number(index)}});
        });
        int calls = 0;
        LoopRequest req;
        req.userPrompt = QStringLiteral("loop");
        req.tools = echoTools(&calls);
        req.stepBudget = 3;
        Events events;
        const LoopResult r = AgentRuntime(settingsFor(backend, fake.baseUrl()), fastGovernor())
                                 .run(req, events.sink());
        QCOMPARE(r.stopReason, StopReason::Budget);
        QCOMPARE(r.steps, 3);
        QCOMPARE(calls, 3);
        QCOMPARE(fake.requestCount(), 3);
        QCOMPARE(events.count(AgentEvent::Kind::StepFinished), 3);
    }

    void noneBackendAnswersWithAClearError()
    {
        LlmSettings s;
        s.backend = QStringLiteral("none");
        LoopRequest req;
        req.userPrompt = QStringLiteral("hi");
        const LoopResult r = AgentRuntime(s).run(req);
        QCOMPARE(r.stopReason, StopReason::Error);
        QCOMPARE(r.error.code, QStringLiteral("llm.none"));
        QVERIFY(r.error.hint.contains(QStringLiteral("structural context")));
        QCOMPARE(r.steps, 0);
    }

    void promptCachingCanBeTurnedOff()
    {
        FakeModelServer fake;
        LlmSettings s = settingsFor(QStringLiteral("anthropic"), fake.baseUrl());
        s.promptCaching.enabled = false;
        const LoopResult r = AgentRuntime(s, fastGovernor())
                                 .generateText(QStringLiteral("default"), QStringLiteral("sys"),
                                               QStringLiteral("hi"));
        QCOMPARE(r.stopReason, StopReason::Natural);
        QVERIFY(!fake.requests().first().rawBody.contains("cache_control"));
    }

    void vertexFallsBackTo5mWhenAsked()
    {
        FakeModelServer fake;
        LlmSettings s = settingsFor(QStringLiteral("vertex"), fake.baseUrl());
        s.promptCaching.systemTtl = QStringLiteral("1h");
        s.promptCaching.vertexFallbackTo5m = true;
        QCOMPARE(AgentRuntime(s, fastGovernor())
                     .generateText(QStringLiteral("default"), QStringLiteral("sys"),
                                   QStringLiteral("hi"))
                     .stopReason,
                 StopReason::Natural);
        const QJsonObject cc = fake.requests()
                                   .first()
                                   .body.value(QStringLiteral("system"))
                                   .toArray()
                                   .first()
                                   .toObject()
                                   .value(QStringLiteral("cache_control"))
                                   .toObject();
        QCOMPARE(cc.value(QStringLiteral("ttl")).toString(), QStringLiteral("5m"));
    }

    void transientFailuresAreRetried_data()
    {
        QTest::addColumn<QString>("backend");
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("waitKind");
        const int retry = int(AgentEvent::Kind::Retry), wait = int(AgentEvent::Kind::RateLimitWait);
        for (const char *b : {"anthropic", "openai-compatible"}) {
            QTest::addRow("%s 429", b) << QString::fromLatin1(b) << 429 << wait;
            QTest::addRow("%s 529", b) << QString::fromLatin1(b) << 529 << retry;
            QTest::addRow("%s 500", b) << QString::fromLatin1(b) << 500 << retry;
            QTest::addRow("%s cut stream", b) << QString::fromLatin1(b) << -1 << retry;
            QTest::addRow("%s in-stream error", b) << QString::fromLatin1(b) << -2 << retry;
            QTest::addRow("%s malformed", b) << QString::fromLatin1(b) << -3 << retry;
        }
    }

    void transientFailuresAreRetried()
    {
        QFETCH(QString, backend);
        QFETCH(int, kind);
        QFETCH(int, waitKind);
        FakeModelServer fake;
        fake.setScript([kind](const FakeModelServer::Request &, int index) {
            if (index > 1)
                return Reply::say(QStringLiteral("recovered"));
            switch (kind) {
            case -1:
                return Reply::of(Reply::Kind::CutStream);
            case -2:
                return Reply::of(Reply::Kind::InStreamError);
            case -3:
                return Reply::of(Reply::Kind::Malformed);
            default:
                return Reply::httpError(kind,
                                        kind == 429 ? QStringLiteral("rate_limit_error")
                                                    : QStringLiteral("overloaded_error"),
                                        kind == 429 ? 0 : -1);
            }
        });
        Events events;
        LoopRequest req;
        req.userPrompt = QStringLiteral("hi");
        const LoopResult r = AgentRuntime(settingsFor(backend, fake.baseUrl()), fastGovernor())
                                 .run(req, events.sink());
        QVERIFY2(r.stopReason == StopReason::Natural, qPrintable(r.error.toText()));
        QCOMPARE(r.finalText, QStringLiteral("recovered"));
        QCOMPARE(fake.requestCount(), 2);
        QCOMPARE(events.count(AgentEvent::Kind(waitKind)), 1);
    }

    void retriesEndAfterMaxAttempts()
    {
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &, int) {
            return Reply::httpError(500, QStringLiteral("api_error"));
        });
        LoopRequest req;
        const LoopResult r = AgentRuntime(settingsFor(QStringLiteral("anthropic"), fake.baseUrl()),
                                          fastGovernor(3))
                                 .run(req);
        QCOMPARE(r.stopReason, StopReason::Error);
        QCOMPARE(fake.requestCount(), 3);
        QCOMPARE(r.error.code, QStringLiteral("llm.http_500"));
        QVERIFY2(r.error.message.contains(QStringLiteral("fake api_error")),
                 qPrintable(r.error.message));
        QVERIFY(r.error.message.contains(QStringLiteral("gave up after 3 attempts")));
    }

    void clientErrorsAreNotRetried_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("hint");
        QTest::newRow("401") << 401 << QStringLiteral("Check the API key");
        QTest::newRow("403") << 403 << QStringLiteral("not allowed");
        QTest::newRow("404") << 404 << QStringLiteral("model id");
        QTest::newRow("400") << 400 << QString();
    }

    void clientErrorsAreNotRetried()
    {
        QFETCH(int, status);
        QFETCH(QString, hint);
        FakeModelServer fake;
        fake.setScript([status](const FakeModelServer::Request &, int) {
            return Reply::httpError(status, QStringLiteral("invalid_request_error"));
        });
        LoopRequest req;
        const LoopResult r
            = AgentRuntime(settingsFor(QStringLiteral("anthropic"), fake.baseUrl()), fastGovernor())
                  .run(req);
        QCOMPARE(r.stopReason, StopReason::Error);
        QCOMPARE(fake.requestCount(), 1);
        QVERIFY(r.error.message.contains(QStringLiteral("Anthropic answered HTTP %1").arg(status)));
        QVERIFY(r.error.hint.contains(hint));
        QVERIFY(!r.error.toText().contains(Key));
    }

    void stalledStreamTimesOut()
    {
        FakeModelServer fake;
        fake.setScript([](const FakeModelServer::Request &, int index) {
            return index == 1 ? Reply::of(Reply::Kind::Stall)
                              : Reply::say(QStringLiteral("after the stall"));
        });
        LlmSettings s = settingsFor(QStringLiteral("anthropic"), fake.baseUrl());
        s.idleTimeoutMs = 300;
        LoopRequest req;
        const LoopResult r = AgentRuntime(s, fastGovernor()).run(req);
        QVERIFY2(r.stopReason == StopReason::Natural, qPrintable(r.error.toText()));
        QCOMPARE(fake.requestCount(), 2);
    }

    void unreachableServerIsAClearError()
    {
        LlmSettings s = settingsFor(QStringLiteral("openai-compatible"),
                                    QUrl(QStringLiteral("http://127.0.0.1:9")));
        LoopRequest req;
        const LoopResult r = AgentRuntime(s, fastGovernor(2)).run(req);
        QCOMPARE(r.stopReason, StopReason::Error);
        QCOMPARE(r.error.code, QStringLiteral("llm.unreachable"));
        QVERIFY2(
            r.error.message.contains(QStringLiteral("Could not reach the OpenAI-compatible server "
                                                    "at http://127.0.0.1:9/v1/chat/completions")),
            qPrintable(r.error.message));
    }

    void cancellationStopsAWaitingRequest()
    {
        FakeModelServer fake;
        fake.setScript(
            [](const FakeModelServer::Request &, int) { return Reply::of(Reply::Kind::Stall); });
        LlmSettings s = settingsFor(QStringLiteral("anthropic"), fake.baseUrl());
        s.idleTimeoutMs = 60000;
        LoopRequest req;
        QTimer::singleShot(200, [token = req.cancel]() mutable { token.cancel(); });
        QElapsedTimer t;
        t.start();
        // The timer needs this thread's event loop, which the request's local loop runs.
        const LoopResult r = AgentRuntime(s, fastGovernor()).run(req);
        QCOMPARE(r.stopReason, StopReason::Cancelled);
        QVERIFY(t.elapsed() < 30000);
    }

    void probeClassifiesFailures_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("verdict");
        QTest::addColumn<QString>("fix");
        QTest::newRow("ok") << 0 << int(LlmProbeResult::Verdict::Ok) << QString();
        QTest::newRow("key rejected")
            << 401 << int(LlmProbeResult::Verdict::NotSignedIn) << QStringLiteral("API key");
        QTest::newRow("no such model") << 404 << int(LlmProbeResult::Verdict::ModelUnavailable)
                                       << QStringLiteral("llm.models.default");
        QTest::newRow("unreachable")
            << -1 << int(LlmProbeResult::Verdict::Unreachable) << QStringLiteral("base URL");
    }
    void probeClassifiesFailures()
    {
        QFETCH(int, status);
        QFETCH(int, verdict);
        QFETCH(QString, fix);
        FakeModelServer fake;
        fake.setScript([status](const FakeModelServer::Request &, int) {
            return status > 0 ? Reply::httpError(status, QStringLiteral("error"))
                              : Reply::say(QStringLiteral("ok"));
        });
        const QUrl base = status < 0 ? QUrl(QStringLiteral("http://127.0.0.1:9")) : fake.baseUrl();
        const LlmProbeResult r = LlmProbe::run(settingsFor(QStringLiteral("anthropic"), base));
        QCOMPARE(int(r.verdict), verdict);
        QVERIFY2(r.fix.contains(fix), qPrintable(r.fix));
        if (status == 0) {
            QCOMPARE(fake.requestCount(), 1);
            // One token: a probe costs nothing.
            QCOMPARE(fake.requests().first().body.value(QStringLiteral("max_tokens")).toInt(), 1);
        }
        QVERIFY(!r.message.contains(Key));
    }

    void probeClassifiesCliMessages_data()
    {
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("verdict");
        QTest::newRow("codex model")
            << QStringLiteral("llm.cli_failed")
            << QStringLiteral("Codex failed: The 'gpt-5.5' model is not supported when using Codex "
                              "with a ChatGPT account.")
            << int(LlmProbeResult::Verdict::ModelUnavailable);
        QTest::newRow("codex login") << QStringLiteral("llm.cli_failed")
                                     << QStringLiteral("Codex failed: 401 Unauthorized: Missing "
                                                       "bearer or basic authentication in header")
                                     << int(LlmProbeResult::Verdict::NotSignedIn);
        QTest::newRow("claude login")
            << QStringLiteral("llm.cli_failed")
            << QStringLiteral("Claude Code failed: Not logged in · Please run /login")
            << int(LlmProbeResult::Verdict::NotSignedIn);
        QTest::newRow("claude model")
            << QStringLiteral("llm.cli_failed")
            << QStringLiteral("Claude Code failed: There's an issue with the selected model "
                              "(opus-9). It may not exist or you may not have access to it.")
            << int(LlmProbeResult::Verdict::ModelUnavailable);
        QTest::newRow("not installed")
            << QStringLiteral("llm.cli_not_installed") << QStringLiteral("Could not start claude")
            << int(LlmProbeResult::Verdict::NotInstalled);
        QTest::newRow("other") << QStringLiteral("llm.cli_failed")
                               << QStringLiteral("codex exited with code 2.")
                               << int(LlmProbeResult::Verdict::Failed);
    }
    void probeClassifiesCliMessages()
    {
        QFETCH(QString, code);
        QFETCH(QString, message);
        QFETCH(int, verdict);
        QCOMPARE(int(LlmProbe::classify(QStringLiteral("codex"), makeError(code, message))),
                 verdict);
    }

    void embeddingsInBatchesAndInOrder()
    {
        FakeModelServer fake;
        EmbeddingsConfig config;
        config.backend = QStringLiteral("openai");
        config.model = QStringLiteral("text-embedding-3-small");
        config.dimensions = 16;
        config.batchSize = 3;
        config.openai.baseUrl = fake.baseUrl().toString() + QStringLiteral("/v1");
        config.openai.apiKey = QStringLiteral("env:KTX_TEST_EMBED_KEY");
        QProcessEnvironment env;
        Result<EmbeddingClient> missing
            = EmbeddingClient::fromConfig(config, QDir::tempPath(), env);
        QVERIFY(!missing);
        QVERIFY(missing.error().hint.contains(QStringLiteral("Set KTX_TEST_EMBED_KEY")));
        env.insert(QStringLiteral("KTX_TEST_EMBED_KEY"), QStringLiteral("sk-embed-4471"));
        Result<EmbeddingClient> client = EmbeddingClient::fromConfig(config, QDir::tempPath(), env);
        QVERIFY(client);
        const QStringList texts {QStringLiteral("orders"), QStringLiteral("customers"),
                                 QStringLiteral("revenue"), QStringLiteral("churn"),
                                 QStringLiteral("orders")};
        Result<QList<QVector<float>>> vectors = client->embed(texts);
        QVERIFY2(vectors, qPrintable(vectors.ok() ? QString() : vectors.error().toText()));
        QCOMPARE(vectors->size(), 5);
        QCOMPARE(vectors->first().size(), 16);
        QCOMPARE(vectors->at(0),
                 vectors->at(4)); // same text, same vector, whatever order the server used
        QVERIFY(vectors->at(0) != vectors->at(1));
        QCOMPARE(fake.requestCount(), 2); // 5 texts in batches of 3
        QCOMPARE(fake.requests().first().body.value(QStringLiteral("dimensions")).toInt(), 16);
        QCOMPARE(httpHeaderValue(fake.requests().first().headers, "authorization"),
                 QByteArray("Bearer sk-embed-4471"));
        QCOMPARE(client->probe().value(), 16);

        // A local model with a fixed size that disagrees with the config gets a fix, not a corrupt
        // index.
        config.model = QStringLiteral("nomic-embed-text");
        config.dimensions = 768;
        Result<EmbeddingClient> local = EmbeddingClient::fromConfig(config, QDir::tempPath(), env);
        QVERIFY(local);
        Result<int> dims = local->probe();
        QVERIFY(!dims);
        QCOMPARE(dims.error().code, QStringLiteral("embeddings.dimension_mismatch"));
        QVERIFY(dims.error().hint.contains(QStringLiteral("dimensions: 8")));

        EmbeddingsConfig none;
        QCOMPARE(EmbeddingClient::fromConfig(none, QDir::tempPath(), env).error().code,
                 QStringLiteral("embeddings.none"));
    }

    void settingsErrorsNameTheFix()
    {
        QProcessEnvironment env;
        LlmConfig config;
        config.backend = QStringLiteral("anthropic");
        config.models.insert(QStringLiteral("default"), QStringLiteral("claude-sonnet-4-6"));
        Result<LlmSettings> s = LlmSettings::fromConfig(config, QDir::tempPath(), env);
        QVERIFY(!s);
        QVERIFY(s.error().hint.contains(QStringLiteral("ANTHROPIC_API_KEY")));

        config.anthropic.apiKey = QStringLiteral("env:MY_TEAM_KEY");
        s = LlmSettings::fromConfig(config, QDir::tempPath(), env);
        QVERIFY(!s);
        QVERIFY(s.error().message.contains(QStringLiteral("env:MY_TEAM_KEY")));
        QVERIFY(s.error().hint.contains(QStringLiteral("Set MY_TEAM_KEY")));

        env.insert(QStringLiteral("MY_TEAM_KEY"), QStringLiteral("sk-team-secret-991"));
        s = LlmSettings::fromConfig(config, QDir::tempPath(), env);
        QVERIFY(s);
        QCOMPARE(s->apiKey, QStringLiteral("sk-team-secret-991"));
        QCOMPARE(SecretRedactor::redact(QStringLiteral("key sk-team-secret-991"))
                     .contains(QStringLiteral("sk-team-secret-991")),
                 false);

        LlmConfig noModel;
        noModel.backend = QStringLiteral("codex");
        s = LlmSettings::fromConfig(noModel, QDir::tempPath(), env);
        QVERIFY(!s);
        QCOMPARE(s.error().message,
                 QStringLiteral("llm.models.default is required for backend \"codex\"."));

        LlmConfig compat;
        compat.backend = QStringLiteral("openai-compatible");
        compat.models.insert(QStringLiteral("default"), QStringLiteral("qwen"));
        s = LlmSettings::fromConfig(compat, QDir::tempPath(), env);
        QVERIFY(!s);
        QVERIFY(s.error().hint.contains(QStringLiteral("--llm-base-url")));
        compat.openaiCompatible.baseUrl = QStringLiteral("http://127.0.0.1:11434/v1");
        s = LlmSettings::fromConfig(compat, QDir::tempPath(), env);
        QVERIFY(s); // no key needed for a local server
        QVERIFY(s->apiKey.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestHttpBackends)
#include "tst_httpbackends.moc"
