#include "agent/chatagentloop.h"

#include <QJsonDocument>
#include <QTest>

#include <functional>

using namespace ktx;

namespace {

// A model that answers from a script, in process, and records what it was sent.
class ScriptedModel : public ChatModel
{
public:
    std::function<Result<ChatTurn>(const ChatRequest &, int call)> script;
    QList<ChatRequest> requests;

    QString providerName() const override { return QStringLiteral("scripted"); }
    Result<ChatTurn> complete(const ChatRequest &request, const CancellationToken &,
                              const AgentEventSink &) override
    {
        requests << request;
        return script(request, int(requests.size()));
    }
};

ChatTurn textTurn(const QString &text)
{
    ChatTurn t;
    t.blocks << ChatBlock::textBlock(text);
    t.stopReason = QStringLiteral("end_turn");
    t.usage.inputTokens = 10;
    t.usage.outputTokens = 2;
    return t;
}

ChatTurn toolTurn(const QString &id, const QString &name, const QJsonObject &input)
{
    ChatTurn t;
    t.blocks << ChatBlock::toolUse(id, name, input);
    t.stopReason = QStringLiteral("tool_use");
    t.usage.inputTokens = 10;
    t.usage.outputTokens = 3;
    return t;
}

ToolSet addTools(int *executed)
{
    ToolSet set;
    AgentTool add;
    add.name = QStringLiteral("add");
    add.description = QStringLiteral("Add two integers");
    add.inputSchema
        = QJsonDocument::fromJson(
              R"({"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"integer"}},"required":["a","b"]})")
              .object();
    add.execute = [executed](const QJsonObject &args, const CancellationToken &) {
        ++*executed;
        return ToolOutput::success(QString::number(args.value(QStringLiteral("a")).toInt()
                                                   + args.value(QStringLiteral("b")).toInt()));
    };
    set.add(add);
    return set;
}

struct Recorder
{
    QList<AgentEvent> events;
    AgentEventSink sink()
    {
        return [this](const AgentEvent &e) {
            events << e;
        };
    }
    QList<AgentEvent> of(AgentEvent::Kind kind) const
    {
        QList<AgentEvent> out;
        for (const AgentEvent &e : events) {
            if (e.kind == kind)
                out << e;
        }
        return out;
    }
};

} // namespace

class TestChatAgentLoop : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void toolRoundTripThenNaturalStop()
    {
        int executed = 0;
        ScriptedModel model;
        model.script = [](const ChatRequest &, int call) -> Result<ChatTurn> {
            if (call == 1)
                return toolTurn(QStringLiteral("t1"), QStringLiteral("add"),
                                {{QStringLiteral("a"), 2}, {QStringLiteral("b"), 3}});
            return textTurn(QStringLiteral("The sum is 5."));
        };
        LoopRequest req;
        req.systemPrompt = QStringLiteral("You add.");
        req.userPrompt = QStringLiteral("2+3?");
        req.tools = addTools(&executed);
        Recorder rec;
        const LoopResult r = ChatAgentLoop::run(model, QStringLiteral("m"), req, rec.sink());
        QCOMPARE(r.stopReason, StopReason::Natural);
        QCOMPARE(r.steps, 2);
        QCOMPARE(r.finalText, QStringLiteral("The sum is 5."));
        QCOMPARE(executed, 1);
        QCOMPARE(r.usage.inputTokens, 20);
        QCOMPARE(r.usage.outputTokens, 5);
        // The second request carries the tool result, paired with the call id.
        const ChatMessage &last = model.requests.at(1).messages.last();
        QCOMPARE(last.role, ChatMessage::Role::User);
        QCOMPARE(last.blocks.first().kind, ChatBlock::Kind::ToolResult);
        QCOMPARE(last.blocks.first().id, QStringLiteral("t1"));
        QCOMPARE(last.blocks.first().text, QStringLiteral("5"));
        const auto finished = rec.of(AgentEvent::Kind::ToolCallFinished);
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().output, QStringLiteral("5"));
        QCOMPARE(rec.of(AgentEvent::Kind::StepFinished).size(), 2);
        QCOMPARE(rec.of(AgentEvent::Kind::StepFinished).last().step, 2);
    }

    void modelThatNeverStopsHitsTheBudget()
    {
        int executed = 0;
        ScriptedModel model;
        model.script = [](const ChatRequest &, int call) -> Result<ChatTurn> {
            return toolTurn(QStringLiteral("t%1").arg(call), QStringLiteral("add"),
                            {{QStringLiteral("a"), call}, {QStringLiteral("b"), 1}});
        };
        LoopRequest req;
        req.userPrompt = QStringLiteral("loop");
        req.tools = addTools(&executed);
        req.stepBudget = 4;
        const LoopResult r = ChatAgentLoop::run(model, QStringLiteral("m"), req, {});
        QCOMPARE(r.stopReason, StopReason::Budget);
        QCOMPARE(r.steps, 4);
        QCOMPARE(model.requests.size(), 4);
        QCOMPARE(executed, 4);
    }

    void badArgumentsGoBackToTheModel()
    {
        int executed = 0;
        ScriptedModel model;
        model.script = [](const ChatRequest &req, int call) -> Result<ChatTurn> {
            if (call == 1)
                return toolTurn(QStringLiteral("t1"), QStringLiteral("add"),
                                {{QStringLiteral("a"), QStringLiteral("two")}});
            if (call == 2) {
                ChatTurn t = toolTurn(QStringLiteral("t2"), QStringLiteral("add"), {});
                t.blocks.first().rawArguments = QStringLiteral("{\"a\": 1,");
                return t;
            }
            if (call == 3)
                return toolTurn(QStringLiteral("t3"), QStringLiteral("nope"), {});
            return textTurn(req.messages.last().blocks.first().text);
        };
        LoopRequest req;
        req.userPrompt = QStringLiteral("x");
        req.tools = addTools(&executed);
        Recorder rec;
        const LoopResult r = ChatAgentLoop::run(model, QStringLiteral("m"), req, rec.sink());
        QCOMPARE(r.stopReason, StopReason::Natural);
        QCOMPARE(executed, 0);
        const auto finished = rec.of(AgentEvent::Kind::ToolCallFinished);
        QCOMPARE(finished.size(), 3);
        QVERIFY(finished.at(0).isError);
        QVERIFY2(finished.at(0).output.contains(QStringLiteral("/a: expected integer, got string")),
                 qPrintable(finished.at(0).output));
        QVERIFY(finished.at(0).output.contains(QStringLiteral("missing required property \"b\"")));
        QVERIFY(finished.at(1).output.contains(QStringLiteral("not valid JSON")));
        QVERIFY(finished.at(2).output.contains(QStringLiteral("Unknown tool \"nope\"")));
        QVERIFY(model.requests.at(1).messages.last().blocks.first().isError);
    }

    void modelErrorStopsWithError()
    {
        ScriptedModel model;
        model.script = [](const ChatRequest &, int) -> Result<ChatTurn> {
            return makeError(QStringLiteral("llm.http_401"),
                             QStringLiteral("Anthropic answered HTTP 401: invalid x-api-key"));
        };
        LoopRequest req;
        req.userPrompt = QStringLiteral("x");
        const LoopResult r = ChatAgentLoop::run(model, QStringLiteral("m"), req, {});
        QCOMPARE(r.stopReason, StopReason::Error);
        QCOMPARE(r.error.code, QStringLiteral("llm.http_401"));
        QCOMPARE(r.steps, 0);
    }

    void cancelledBeforeStart()
    {
        ScriptedModel model;
        model.script = [](const ChatRequest &, int) -> Result<ChatTurn> {
            return textTurn(QStringLiteral("x"));
        };
        LoopRequest req;
        req.cancel.cancel();
        const LoopResult r = ChatAgentLoop::run(model, QStringLiteral("m"), req, {});
        QCOMPARE(r.stopReason, StopReason::Cancelled);
        QCOMPARE(model.requests.size(), 0);
    }

    void cancelledWhileToolRuns()
    {
        ScriptedModel model;
        CancellationToken token;
        model.script = [](const ChatRequest &, int call) -> Result<ChatTurn> {
            return toolTurn(QStringLiteral("t%1").arg(call), QStringLiteral("stop"), {});
        };
        ToolSet tools;
        AgentTool stop;
        stop.name = QStringLiteral("stop");
        stop.inputSchema = QJsonObject {{QStringLiteral("type"), QStringLiteral("object")}};
        stop.execute = [token](const QJsonObject &, const CancellationToken &) mutable {
            token.cancel();
            return ToolOutput::success(QStringLiteral("cancelling"));
        };
        tools.add(stop);
        LoopRequest req;
        req.tools = tools;
        req.cancel = token;
        const LoopResult r = ChatAgentLoop::run(model, QStringLiteral("m"), req, {});
        QCOMPARE(r.stopReason, StopReason::Cancelled);
        QCOMPARE(model.requests.size(), 1);
    }

    void structuredAnswerIsValidatedAndRetried()
    {
        ScriptedModel model;
        model.script = [](const ChatRequest &, int call) -> Result<ChatTurn> {
            if (call == 1)
                return textTurn(QStringLiteral("{\"label\": 3}"));
            return textTurn(QStringLiteral("```json\n{\"label\": \"fact\"}\n```"));
        };
        LoopRequest req;
        req.userPrompt = QStringLiteral("classify");
        req.stepBudget = 3;
        req.outputSchema
            = QJsonDocument::fromJson(
                  R"({"type":"object","properties":{"label":{"type":"string"}},"required":["label"]})")
                  .object();
        const LoopResult r = ChatAgentLoop::run(model, QStringLiteral("m"), req, {});
        QCOMPARE(r.stopReason, StopReason::Natural);
        QCOMPARE(r.structured.toObject().value(QStringLiteral("label")).toString(),
                 QStringLiteral("fact"));
        QVERIFY(model.requests.first().system.contains(QStringLiteral("JSON Schema")));
        QVERIFY(model.requests.at(1).messages.last().blocks.first().text.contains(
            QStringLiteral("/label: expected string")));
    }

    void truncatedAnswerIsAnError()
    {
        ScriptedModel model;
        model.script = [](const ChatRequest &, int) -> Result<ChatTurn> {
            ChatTurn t = textTurn(QStringLiteral("partial"));
            t.stopReason = QStringLiteral("max_tokens");
            return t;
        };
        LoopRequest req;
        const LoopResult r = ChatAgentLoop::run(model, QStringLiteral("m"), req, {});
        QCOMPARE(r.stopReason, StopReason::Error);
        QCOMPARE(r.error.code, QStringLiteral("llm.max_tokens"));
    }
};

QTEST_GUILESS_MAIN(TestChatAgentLoop)
#include "tst_chatagentloop.moc"
