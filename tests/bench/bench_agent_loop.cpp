// Agent-loop overhead per step with an instant in-process model, beside the
// bare work a step must do anyway (build the turn, run the tool); and parsing
// throughput of Codex JSONL and Claude stream-json, beside plain JSON parsing of
// the same lines. Candidates and references interleave round by round.
#include "agent/chatagentloop.h"
#include "benchfigures.h"
#include "llm/claudestreamparser.h"
#include "llm/codexeventparser.h"

#include <QCoreApplication>
#include <QJsonDocument>

#include <cstdio>

using namespace ktx;
using namespace ktx::bench;

namespace {

class InstantModel : public ChatModel
{
public:
    int steps = 0;
    int calls = 0;
    QString providerName() const override { return QStringLiteral("instant"); }
    Result<ChatTurn> complete(const ChatRequest &, const CancellationToken &,
                              const AgentEventSink &) override
    {
        ChatTurn t;
        if (++calls < steps) {
            t.blocks << ChatBlock::toolUse(
                QStringLiteral("t%1").arg(calls), QStringLiteral("echo"),
                {{QStringLiteral("text"), QStringLiteral("row %1").arg(calls)}});
            t.stopReason = QStringLiteral("tool_use");
        } else {
            t.blocks << ChatBlock::textBlock(QStringLiteral("done"));
            t.stopReason = QStringLiteral("end_turn");
        }
        return t;
    }
};

ToolSet tools()
{
    ToolSet set;
    AgentTool echo;
    echo.name = QStringLiteral("echo");
    echo.inputSchema
        = QJsonDocument::fromJson(
              R"({"type":"object","properties":{"text":{"type":"string"}},"required":["text"]})")
              .object();
    echo.execute = [](const QJsonObject &a, const CancellationToken &) {
        return ToolOutput::success(a.value(QStringLiteral("text")).toString());
    };
    set.add(echo);
    return set;
}

QList<QByteArray> codexLines(int n)
{
    QList<QByteArray> lines {R"({"type":"thread.started","thread_id":"0199"})",
                             R"({"type":"turn.started"})"};
    for (int i = 0; i < n; ++i) {
        lines << QByteArray(R"({"type":"item.started","item":{"id":"item_)") + QByteArray::number(i)
                + R"(","type":"mcp_tool_call","server":"ktx","tool":"sl_query","arguments":{"measures":["orders.revenue"],"dimensions":["customers.segment"]},"result":null,"error":null,"status":"in_progress"}})";
        lines << QByteArray(R"({"type":"item.completed","item":{"id":"item_)")
                + QByteArray::number(i)
                + R"(","type":"mcp_tool_call","server":"ktx","tool":"sl_query","arguments":{"measures":["orders.revenue"]},"result":{"content":[{"type":"text","text":"segment,revenue\nenterprise,1200\nsmb,800"}],"structured_content":null},"error":null,"status":"completed"}})";
    }
    lines
        << R"({"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":0,"output_tokens":10}})";
    return lines;
}

QList<QByteArray> claudeLines(int n)
{
    QList<QByteArray> lines {
        R"({"type":"system","subtype":"init","tools":["mcp__ktx__sl_query"],"mcp_servers":[{"name":"ktx","status":"connected"}],"plugins":[]})"};
    for (int i = 0; i < n; ++i) {
        const QByteArray id = QByteArray::number(i);
        lines << R"({"type":"assistant","message":{"id":"msg_)" + id
                + R"(","content":[{"type":"tool_use","id":"toolu_)" + id
                + R"(","name":"mcp__ktx__sl_query","input":{"measures":["orders.revenue"]}}]},"parent_tool_use_id":null})";
        lines
            << R"({"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_)"
                + id
                + R"(","content":[{"type":"text","text":"segment,revenue\nenterprise,1200\nsmb,800"}]}]},"parent_tool_use_id":null})";
    }
    lines
        << R"({"type":"result","subtype":"success","is_error":false,"num_turns":3,"result":"ok","usage":{"input_tokens":1,"output_tokens":1}})";
    return lines;
}

qint64 bytesOf(const QList<QByteArray> &lines)
{
    qint64 n = 0;
    for (const QByteArray &l : lines)
        n += l.size() + 1;
    return n;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(3, atoi(argv[1])) : 15;
    const int steps = 200;
    const ToolSet set = tools();

    std::printf("Agent loop, %d steps per run, instant in-process model, %d rounds\n", steps,
                rounds);
    std::vector<double> loop, bare;
    for (int r = 0; r < rounds; ++r) {
        loop.push_back(timeMs([&] {
            InstantModel model;
            model.steps = steps;
            LoopRequest req;
            req.userPrompt = QStringLiteral("go");
            req.tools = set;
            req.stepBudget = steps + 1;
            int events = 0;
            const LoopResult res = ChatAgentLoop::run(model, QStringLiteral("m"), req,
                                                      [&events](const AgentEvent &) { ++events; });
            if (res.steps != steps)
                std::abort();
        }));
        bare.push_back(timeMs([&] {
            // What a step needs without the loop: the model's turn and the tool call.
            InstantModel model;
            model.steps = steps;
            for (int i = 0; i < steps; ++i) {
                Result<ChatTurn> t = model.complete({}, {}, {});
                if (!t->toolUses().isEmpty())
                    (void)set.call(QStringLiteral("echo"), t->toolUses().first().input, {});
            }
        }));
    }
    const Figures l = summarize(loop), b = summarize(bare);
    print("loop (200 steps)", l);
    print("reference: turns + tool calls only", b);
    std::printf("  per step: loop %.1f us, reference %.1f us, loop overhead %.1f us per step "
                "(ratio %.2f)\n\n",
                l.median * 1000 / steps, b.median * 1000 / steps,
                (l.median - b.median) * 1000 / steps, l.median / b.median);

    const QList<QByteArray> codex = codexLines(20000), claude = claudeLines(20000);
    std::vector<double> cp, cj, kp, kj;
    for (int r = 0; r < rounds; ++r) {
        cp.push_back(timeMs([&] {
            CodexEventParser p([](const AgentEvent &) {});
            for (const QByteArray &line : codex)
                p.feedLine(line);
        }));
        cj.push_back(timeMs([&] {
            for (const QByteArray &line : codex)
                (void)QJsonDocument::fromJson(line);
        }));
        kp.push_back(timeMs([&] {
            ClaudeStreamParser p([](const AgentEvent &) {});
            for (const QByteArray &line : claude)
                p.feedLine(line);
        }));
        kj.push_back(timeMs([&] {
            for (const QByteArray &line : claude)
                (void)QJsonDocument::fromJson(line);
        }));
    }
    const double codexMb = double(bytesOf(codex)) / 1e6, claudeMb = double(bytesOf(claude)) / 1e6;
    std::printf("Event stream parsing (%.1f MB codex JSONL, %.1f MB claude stream-json)\n", codexMb,
                claudeMb);
    const Figures fcp = summarize(cp), fcj = summarize(cj), fkp = summarize(kp),
                  fkj = summarize(kj);
    print("codex parser", fcp);
    print("reference: QJsonDocument over the same lines", fcj);
    print("claude parser", fkp);
    print("reference: QJsonDocument over the same lines", fkj);
    std::printf("  codex %.0f MB/s (ratio to bare JSON %.2f), claude %.0f MB/s (ratio %.2f)\n",
                codexMb / (fcp.median / 1000), fcp.median / fcj.median,
                claudeMb / (fkp.median / 1000), fkp.median / fkj.median);
    return 0;
}
