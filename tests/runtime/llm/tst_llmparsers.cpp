#include "llm/claudestreamparser.h"
#include "llm/codexeventparser.h"
#include "llm/requestgovernor.h"

#include "tst_llmparsers.h"

#include <QDateTime>
#include <QTest>

using namespace ktx;

namespace {

struct Recorder
{
    QList<AgentEvent> events;
    AgentEventSink sink()
    {
        return [this](const AgentEvent &e) {
            events << e;
        };
    }
    int count(AgentEvent::Kind kind) const
    {
        return int(std::count_if(events.begin(), events.end(),
                                 [kind](const AgentEvent &e) { return e.kind == kind; }));
    }
};

void feed(CodexEventParser &p, const QList<QByteArray> &lines)
{
    for (const QByteArray &l : lines)
        p.feedLine(l);
}

} // namespace

void TestLlmParsers::codexToolRunCountsStepsLive()
{
    Recorder rec;
    CodexEventParser p(rec.sink());
    feed(
        p,
        {
            R"({"type":"thread.started","thread_id":"0199a1b2-aaaa"})",
            R"({"type":"item.completed","item":{"id":"item_0","type":"error","message":"Model metadata for fake-model not found"}})",
            R"({"type":"turn.started"})",
            R"({"type":"item.started","item":{"id":"item_1","type":"mcp_tool_call","server":"ktx","tool":"echo","arguments":{"text":"hi"},"result":null,"error":null,"status":"in_progress"}})",
        });
    QCOMPARE(p.steps(), 0);
    QCOMPARE(rec.count(AgentEvent::Kind::ToolCallStarted), 1);
    p.feedLine(
        R"({"type":"item.completed","item":{"id":"item_1","type":"mcp_tool_call","server":"ktx","tool":"echo","arguments":{"text":"hi"},"result":{"content":[{"type":"text","text":"hi"}],"structured_content":null},"error":null,"status":"completed"}})");
    // The step is visible as soon as the item completes, before the turn ends.
    QCOMPARE(p.steps(), 1);
    QCOMPARE(rec.count(AgentEvent::Kind::StepFinished), 1);
    const AgentEvent finished
        = *std::find_if(rec.events.begin(), rec.events.end(), [](const AgentEvent &e) {
              return e.kind == AgentEvent::Kind::ToolCallFinished;
          });
    QCOMPARE(finished.toolName, QStringLiteral("echo"));
    QCOMPARE(finished.output, QStringLiteral("hi"));
    QVERIFY(!finished.isError); // error: null is success
    feed(
        p,
        {
            R"({"type":"item.completed","item":{"id":"item_2","type":"agent_message","text":"done: hi"}})",
            R"({"type":"turn.completed","usage":{"input_tokens":120,"cached_input_tokens":20,"output_tokens":7}})",
        });
    QCOMPARE(p.steps(), 1); // the answer turn is not a second step when actions happened
    QCOMPARE(p.finalText(), QStringLiteral("done: hi"));
    QCOMPARE(p.threadId(), QStringLiteral("0199a1b2-aaaa"));
    QCOMPARE(p.usage().inputTokens, 100);
    QCOMPARE(p.usage().cacheReadTokens, 20);
    QCOMPARE(p.usage().outputTokens, 7);
    QVERIFY(p.turnCompleted());
    QVERIFY(p.failure().isEmpty());
    QVERIFY(p.toolFailures().isEmpty());
    QCOMPARE(p.notices().size(), 1);
}

void TestLlmParsers::codexTurnWithoutActionsCountsOnce()
{
    CodexEventParser p;
    feed(
        p,
        {R"({"type":"thread.started","thread_id":"t"})", R"({"type":"turn.started"})",
         R"({"type":"item.completed","item":{"id":"item_0","type":"reasoning","text":"thinking"}})",
         R"({"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"ok"}})",
         R"({"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1}})"});
    QCOMPARE(p.steps(), 1);
}

void TestLlmParsers::codexFailedMcpCall()
{
    CodexEventParser p;
    feed(
        p,
        {R"({"type":"item.completed","item":{"id":"item_3","type":"mcp_tool_call","tool":"sql","arguments":{},"result":null,"error":{"message":"user cancelled MCP tool call"},"status":"failed"}})",
         R"({"type":"item.completed","item":{"id":"item_3","type":"mcp_tool_call","tool":"sql","status":"failed"}})"});
    QCOMPARE(p.steps(), 1); // the repeated completion is not counted twice
    QCOMPARE(p.toolFailures().size(), 1);
    QVERIFY(p.toolFailures().first().contains(QStringLiteral("user cancelled MCP tool call")));
}

void TestLlmParsers::codexCommandAndFileChangesAreSteps()
{
    CodexEventParser p;
    feed(
        p,
        {R"({"type":"item.completed","item":{"id":"a","type":"command_execution","command":"ls","aggregated_output":"","exit_code":2,"status":"completed"}})",
         R"({"type":"item.completed","item":{"id":"b","type":"file_change","changes":[],"status":"completed"}})",
         R"({"type":"item.completed","item":{"id":"c","type":"web_search","query":"x"}})",
         R"({"type":"item.completed","item":{"id":"d","type":"todo_list","items":[]}})"});
    QCOMPARE(p.steps(), 3);
    QVERIFY(p.toolFailures().isEmpty()); // a non-zero exit code is not a tool failure
}

void TestLlmParsers::codexFailureMessagesAreUnwrapped()
{
    CodexEventParser p;
    feed(
        p,
        {R"({"type":"error","message":"{\"type\":\"error\",\"error\":{\"message\":\"model gpt-9 does not exist\"}}"})",
         R"({"type":"turn.failed","error":{"message":"model gpt-9 does not exist"}})"});
    QCOMPARE(p.failure(), QStringLiteral("model gpt-9 does not exist"));
}

void TestLlmParsers::codexMalformedLinesAreNotices()
{
    Recorder rec;
    CodexEventParser p(rec.sink());
    feed(p,
         {"not json at all", "[1,2,3]", "{\"type\":\"turn.started\"",
          R"({"type":"future.kind","x":1})", ""});
    QCOMPARE(p.notices().size(), 3);
    QCOMPARE(rec.count(AgentEvent::Kind::Notice), 3);
    QCOMPARE(p.steps(), 0);
}

void TestLlmParsers::claudeToolRun()
{
    Recorder rec;
    ClaudeStreamParser p(rec.sink());
    p.feedLine(
        R"({"type":"system","subtype":"init","cwd":"/p","session_id":"s","tools":["mcp__ktx__echo"],"mcp_servers":[{"name":"ktx","status":"connected"}],"model":"fake-model","permissionMode":"dontAsk","apiKeySource":"ANTHROPIC_API_KEY","claude_code_version":"2.1.330","plugins":[]})");
    QVERIFY(p.init().has_value());
    QCOMPARE(p.init()->tools, QStringList {QStringLiteral("mcp__ktx__echo")});
    QCOMPARE(p.init()->mcpServers.value(QStringLiteral("ktx")), QStringLiteral("connected"));
    // One block per line with the same message id, and a repeated snapshot.
    p.feedLine(
        R"({"type":"assistant","message":{"id":"msg_1","role":"assistant","content":[{"type":"text","text":"Let me check."}],"stop_reason":null},"parent_tool_use_id":null})");
    p.feedLine(
        R"({"type":"assistant","message":{"id":"msg_1","role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"mcp__ktx__echo","input":{"text":"hi"}}],"stop_reason":null},"parent_tool_use_id":null})");
    p.feedLine(
        R"({"type":"assistant","message":{"id":"msg_1","role":"assistant","content":[{"type":"text","text":"Let me check."},{"type":"tool_use","id":"toolu_1","name":"mcp__ktx__echo","input":{"text":"hi"}}]},"parent_tool_use_id":null})");
    QCOMPARE(rec.count(AgentEvent::Kind::ModelText), 1);
    QCOMPARE(rec.count(AgentEvent::Kind::ToolCallStarted), 1);
    p.feedLine(
        R"({"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"hi"}]}]},"parent_tool_use_id":null})");
    QCOMPARE(rec.count(AgentEvent::Kind::StepFinished), 1);
    const AgentEvent finished
        = *std::find_if(rec.events.begin(), rec.events.end(), [](const AgentEvent &e) {
              return e.kind == AgentEvent::Kind::ToolCallFinished;
          });
    QCOMPARE(finished.toolName, QStringLiteral("echo"));
    QCOMPARE(finished.input.value(QStringLiteral("text")).toString(), QStringLiteral("hi"));
    QCOMPARE(finished.output, QStringLiteral("hi"));
    p.feedLine(
        R"({"type":"assistant","message":{"id":"msg_2","content":[{"type":"text","text":"It said hi."}]},"parent_tool_use_id":null})");
    p.feedLine(
        R"({"type":"result","subtype":"success","is_error":false,"num_turns":2,"result":"It said hi.","usage":{"input_tokens":50,"output_tokens":9,"cache_read_input_tokens":3,"cache_creation_input_tokens":4},"total_cost_usd":0.0125,"permission_denials":[]})");
    QVERIFY(p.outcome().has_value());
    QCOMPARE(p.outcome()->costUsd, 0.0125);
    QCOMPARE(p.outcome()->numTurns, 2);
    QCOMPARE(p.outcome()->result, QStringLiteral("It said hi."));
    QVERIFY(!p.outcome()->isError);
    QCOMPARE(p.outcome()->usage.cacheWriteTokens, 4);
    QCOMPARE(p.liveSteps(), 2);
}

void TestLlmParsers::claudeErrorIsReadFromIsErrorNotSubtype()
{
    ClaudeStreamParser p;
    p.feedLine(
        R"({"type":"result","subtype":"success","is_error":true,"api_error_status":500,"num_turns":1,"result":"API Error: 500 fake failure"})");
    QVERIFY(p.outcome()->isError);
    QCOMPARE(p.outcome()->apiErrorStatus, 500);
    QVERIFY(p.outcome()->costUsd < 0); // not stated: unknown, not free
}

void TestLlmParsers::claudeSubAgentTrafficIgnored()
{
    Recorder rec;
    ClaudeStreamParser p(rec.sink());
    p.feedLine(
        R"({"type":"assistant","message":{"id":"m9","content":[{"type":"text","text":"sub"}]},"parent_tool_use_id":"toolu_x"})");
    QCOMPARE(rec.events.size(), 0);
    QCOMPARE(p.liveSteps(), 0);
}

void TestLlmParsers::retryAfterHeaders()
{
    QCOMPARE(RequestGovernor::retryAfterFromHeaders({{"Retry-After", "2"}}).value_or(-1), 2000);
    QCOMPARE(
        RequestGovernor::retryAfterFromHeaders({{"retry-after-ms", "150"}, {"retry-after", "9"}})
            .value_or(-1),
        150);
    QVERIFY(!RequestGovernor::retryAfterFromHeaders({{"x-other", "1"}}).has_value());
    // Rate-limit reset headers when there is no retry-after: the latest reset wins.
    QCOMPARE(RequestGovernor::retryAfterFromHeaders(
                 {{"x-ratelimit-reset-requests", "1s"}, {"x-ratelimit-reset-tokens", "6m0.5s"}})
                 .value_or(-1),
             360500);
    QCOMPARE(RequestGovernor::retryAfterFromHeaders({{"x-ratelimit-reset-requests", "250ms"}})
                 .value_or(-1),
             250);
    const QByteArray inTwentySeconds
        = QDateTime::currentDateTimeUtc().addSecs(20).toString(Qt::ISODate).toLatin1();
    const qint64 anthropic = RequestGovernor::retryAfterFromHeaders(
                                 {{"anthropic-ratelimit-tokens-reset", inTwentySeconds}})
                                 .value_or(-1);
    QVERIFY2(anthropic > 15000 && anthropic <= 20000, qPrintable(QString::number(anthropic)));
    QCOMPARE(RequestGovernor::retryAfterFromHeaders(
                 {{"retry-after", "3"}, {"x-ratelimit-reset-requests", "9s"}})
                 .value_or(-1),
             3000);
}

void TestLlmParsers::retryClassification_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("retry");
    QTest::newRow("network") << 0 << QByteArray() << true;
    QTest::newRow("400") << 400 << QByteArray() << false;
    QTest::newRow("401") << 401 << QByteArray() << false;
    QTest::newRow("404") << 404 << QByteArray() << false;
    QTest::newRow("408") << 408 << QByteArray() << true;
    QTest::newRow("429") << 429 << QByteArray(R"({"error":{"type":"rate_limit_error"}})") << true;
    QTest::newRow("429 spend")
        << 429
        << QByteArray(R"({"error":{"details":{"error_code":"enforced_spend_limit_reached"}}})")
        << false;
    QTest::newRow("500") << 500 << QByteArray() << true;
    QTest::newRow("529") << 529 << QByteArray() << true;
}
void TestLlmParsers::retryClassification()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, retry);
    QCOMPARE(RequestGovernor::isRetryable(status, body), retry);
}

void TestLlmParsers::backoffGrowsAndIsCapped()
{
    RequestGovernor g({.maxConcurrency = 1,
                       .maxAttempts = 6,
                       .baseDelayMs = 100,
                       .maxDelayMs = 1000,
                       .jitter = false,
                       .maxWaitMs = 0});
    QCOMPARE(g.retryDelayMs(1, std::nullopt), 100);
    QCOMPARE(g.retryDelayMs(2, std::nullopt), 200);
    QCOMPARE(g.retryDelayMs(3, std::nullopt), 400);
    QCOMPARE(g.retryDelayMs(10, std::nullopt), 1000);
    QCOMPARE(g.retryDelayMs(1, 2500), 2500); // the server's retry-after wins
    RequestGovernor jittered({.maxConcurrency = 1,
                              .maxAttempts = 6,
                              .baseDelayMs = 100,
                              .maxDelayMs = 1000,
                              .jitter = true,
                              .maxWaitMs = 0});
    for (int i = 0; i < 50; ++i) {
        const qint64 d = jittered.retryDelayMs(3, std::nullopt);
        QVERIFY(d >= 200 && d <= 400);
    }
}

void TestLlmParsers::concurrencySlotsAreBoundedAndCancellable()
{
    RequestGovernor g({.maxConcurrency = 2,
                       .maxAttempts = 1,
                       .baseDelayMs = 1,
                       .maxDelayMs = 1,
                       .jitter = false,
                       .maxWaitMs = 0});
    auto a = g.acquire(CancellationToken());
    auto b = g.acquire(CancellationToken());
    QVERIFY(a && b);
    QCOMPARE(g.inFlight(), 2);
    CancellationToken cancelled;
    cancelled.cancel();
    QVERIFY(!g.acquire(cancelled).has_value()); // full and cancelled: returns instead of blocking
    {
        auto released = std::move(a);
    }
    QCOMPARE(g.inFlight(), 1);
    auto c = g.acquire(CancellationToken());
    QVERIFY(c.has_value());
}

QTEST_GUILESS_MAIN(TestLlmParsers)
