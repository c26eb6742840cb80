// The sl_query tool on the demo warehouse (a fan-trap query), measured against
// what it is built on, in the same run and interleaved round by round:
//   1. compile: SemanticEngine::compile directly (sources loaded once) vs the
//      tool's path compile-only (SemanticQueryRunner: config, sources from
//      disk, compile) vs ToolSet::call("sl_query") (schema check, compile and
//      execution on SQLite, JSON);
//   2. tools/call round trips through a spawned `ktx mcp start --foreground`
//      (Streamable HTTP) and a spawned `ktx mcp stdio`: sl_query against
//      connection_list (a trivial tool: no I/O), p50 and p99.
//
//   bench_mcp_tools [rounds]   (default 200)
#include "benchfigures.h"
#include "demo/demowarehouse.h"
#include "ktxtools/ktxtoolset.h"
#include "ktxtools/semanticqueryrunner.h"
#include "project/configloader.h"
#include "semantic/semanticengine.h"
#include "semantic/semanticlayerstore.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTcpSocket>
#include <QTemporaryDir>

#include <cstdio>
#include <vector>

using namespace ktx;

namespace {

struct Latency
{
    double p50 = 0;
    double p99 = 0;
};

Latency percentiles(std::vector<double> us)
{
    std::sort(us.begin(), us.end());
    auto at = [&](double q) {
        return us[std::min(us.size() - 1, size_t(q * double(us.size())))];
    };
    return {at(0.50), at(0.99)};
}

const QByteArray kFanTrap
    = R"({"connectionId":"demo_warehouse","measures":["payments.captured_amount","order_items.units_sold"],"dimensions":[{"field":"orders.sales_channel"}]})";

QByteArray callMessage(int id, const QByteArray &tool, const QByteArray &arguments)
{
    return R"({"jsonrpc":"2.0","id":)" + QByteArray::number(id)
        + R"(,"method":"tools/call","params":{"name":")" + tool + R"(","arguments":)" + arguments
        + "}}";
}

const QByteArray kInitialize
    = R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"bench","version":"1"}}})";

// A blocking keep-alive HTTP/1.1 client for one MCP session.
class HttpSession
{
public:
    explicit HttpSession(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(5000))
            qFatal("cannot connect to port %d", port);
        QByteArray head;
        post(kInitialize, &head);
        const qsizetype at = head.toLower().indexOf("mcp-session-id:");
        m_session = head.mid(at + 15, head.indexOf("\r\n", at) - at - 15).trimmed();
    }
    QByteArray post(const QByteArray &body, QByteArray *head = nullptr)
    {
        QByteArray extra;
        if (!m_session.isEmpty())
            extra = "Mcp-Session-Id: " + m_session + "\r\n";
        m_socket.write("POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                       "Accept: application/json, text/event-stream\r\n"
                       + extra + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n"
                       + body);
        qsizetype headEnd;
        while ((headEnd = m_buffer.indexOf("\r\n\r\n")) < 0)
            readMore();
        const QByteArray headText = m_buffer.left(headEnd);
        const qsizetype lengthAt = headText.toLower().indexOf("content-length:");
        const qsizetype length
            = headText.mid(lengthAt + 15, headText.indexOf("\r\n", lengthAt) - lengthAt - 15)
                  .trimmed()
                  .toLongLong();
        while (m_buffer.size() < headEnd + 4 + length)
            readMore();
        if (head)
            *head = headText;
        const QByteArray out = m_buffer.mid(headEnd + 4, length);
        m_buffer.remove(0, headEnd + 4 + length);
        return out;
    }

private:
    void readMore()
    {
        if (!m_socket.waitForReadyRead(60000))
            qFatal("HTTP read timed out");
        m_buffer += m_socket.readAll();
    }
    QTcpSocket m_socket;
    QByteArray m_buffer;
    QByteArray m_session;
};

class StdioSession
{
public:
    StdioSession(const QString &ktx, const QString &project)
    {
        m_process.setProcessChannelMode(QProcess::SeparateChannels);
        m_process.start(ktx,
                        {QStringLiteral("--project-dir"), project, QStringLiteral("mcp"),
                         QStringLiteral("stdio")});
        if (!m_process.waitForStarted())
            qFatal("cannot start ktx mcp stdio");
        call(kInitialize);
    }
    ~StdioSession()
    {
        m_process.closeWriteChannel();
        m_process.waitForFinished(10000);
    }
    QByteArray call(const QByteArray &message)
    {
        m_process.write(message + '\n');
        while (!m_process.canReadLine()) {
            if (!m_process.waitForReadyRead(60000))
                qFatal("stdio read timed out");
        }
        return m_process.readLine();
    }

private:
    QProcess m_process;
};

bool ok(const QByteArray &answer)
{
    return answer.contains("\"isError\":false");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(10, atoi(argv[1])) : 200;

    QTemporaryDir dir;
    const QString project = dir.filePath(QStringLiteral("project"));
    if (!DemoWarehouse::generate(project + QStringLiteral("/data/demo-warehouse.sqlite")).ok())
        qFatal("cannot generate the demo warehouse");
    QFile config(project + QStringLiteral("/ktx.yaml"));
    if (!config.open(QIODevice::WriteOnly))
        qFatal("cannot write ktx.yaml");
    config.write("connections:\n  demo_warehouse:\n    driver: sqlite\n    path: "
                 "data/demo-warehouse.sqlite\n");
    config.close();
    const QString target = project + QStringLiteral("/semantic-layer/demo_warehouse/");
    QDir().mkpath(target);
    const QDir sources(QStringLiteral(KTX_SOURCE_DIR "/tests/runtime/semantic/demo-sources"));
    for (const QString &f : sources.entryList({QStringLiteral("*.yaml")}, QDir::Files)) {
        QFile::copy(sources.filePath(f), target + f);
        // Old files, as in a real project: the runner's cache does not trust
        // files changed within the last second.
        QFile copied(target + f);
        if (copied.open(QIODevice::ReadWrite))
            copied.setFileTime(QDateTime::currentDateTime().addSecs(-600),
                               QFileDevice::FileModificationTime);
    }
    const Result<LoadedConfig> loaded = ConfigLoader::loadFile(config.fileName());
    if (!loaded.ok())
        qFatal("cannot load ktx.yaml");

    auto context = std::make_shared<KtxToolContext>();
    context->projectDir = project;
    context->config = loaded->config;
    const ToolSet tools = KtxToolSet::build(context);
    const QJsonObject arguments = QJsonDocument::fromJson(kFanTrap).object();
    const SemanticQueryRunner runner(project, loaded->config);
    SemanticQueryRunner::Request compileOnly;
    compileOnly.connectionId = QStringLiteral("demo_warehouse");
    compileOnly.query = *SemanticQuery::fromJson(
        QJsonObject {{QStringLiteral("measures"), arguments.value(QLatin1String("measures"))},
                     {QStringLiteral("dimensions"), arguments.value(QLatin1String("dimensions"))}});
    compileOnly.execute = false;
    const SemanticEngine engine(
        SemanticLayerStore(project).load(QStringLiteral("demo_warehouse")).sources);

    std::printf("bench_mcp_tools: sl_query fan trap (payments.captured_amount + "
                "order_items.units_sold by orders.sales_channel), %d rounds\n\n",
                rounds);
    std::vector<double> direct, reloadMs, runnerMs, toolMs;
    const QString layerDir
        = SemanticLayerStore(project).directory(QStringLiteral("demo_warehouse"));
    for (int i = 0; i < rounds; ++i) {
        direct.push_back(bench::timeMs([&] {
            if (!engine.compile(compileOnly.query, QStringLiteral("sqlite")).ok())
                qFatal("compile failed");
        }));
        // What the runner did on every call before it kept loaded folders.
        reloadMs.push_back(bench::timeMs([&] {
            const SemanticEngine fresh(SourceLoader::loadDirectory(layerDir).sources);
            if (!fresh.compile(compileOnly.query, QStringLiteral("sqlite")).ok())
                qFatal("compile failed");
        }));
        runnerMs.push_back(bench::timeMs([&] {
            if (!runner.run(compileOnly).ok())
                qFatal("runner failed");
        }));
        toolMs.push_back(bench::timeMs([&] {
            if (tools.call(QStringLiteral("sl_query"), arguments, CancellationToken()).isError)
                qFatal("tool failed");
        }));
    }
    const bench::Figures d = bench::summarize(direct);
    const bench::Figures l = bench::summarize(reloadMs);
    const bench::Figures r = bench::summarize(runnerMs);
    const bench::Figures t = bench::summarize(toolMs);
    bench::print("SemanticEngine::compile (sources in memory)", d);
    bench::print("load folder + compile (runner before cache)", l);
    bench::print("sl_query path, compile only (runner)", r);
    bench::print("ToolSet::call sl_query (executes on SQLite)", t);
    std::printf("  ratio load + compile / direct compile        %8.2fx\n", l.median / d.median);
    std::printf("  ratio compile-only path / direct compile     %8.2fx\n", r.median / d.median);
    std::printf("  ratio tool call with execution / direct       %8.2fx\n\n", t.median / d.median);

    const QString ktx = QStringLiteral(KTX_CLI_PATH);
    QProcess http;
    http.start(ktx,
               {QStringLiteral("--project-dir"), project, QStringLiteral("mcp"),
                QStringLiteral("start"), QStringLiteral("--foreground"), QStringLiteral("--port"),
                QStringLiteral("0")});
    if (!http.waitForStarted() || !http.waitForReadyRead(15000))
        qFatal("cannot start ktx mcp start --foreground");
    const QUrl url(QString::fromUtf8(http.readLine()).trimmed().section(QLatin1Char(' '), -1));
    HttpSession httpSession(quint16(url.port()));
    StdioSession stdioSession(ktx, project);

    std::vector<double> httpTrivial, httpSl, stdioTrivial, stdioSl;
    for (int i = 0; i < rounds; ++i) {
        const QByteArray trivial = callMessage(i + 1, "connection_list", "{}");
        const QByteArray sl = callMessage(i + 1, "sl_query", kFanTrap);
        QByteArray answer;
        httpTrivial.push_back(bench::timeMs([&] { answer = httpSession.post(trivial); }) * 1000);
        if (!ok(answer))
            qFatal("http connection_list failed: %s", answer.constData());
        httpSl.push_back(bench::timeMs([&] { answer = httpSession.post(sl); }) * 1000);
        if (!ok(answer))
            qFatal("http sl_query failed: %s", answer.constData());
        stdioTrivial.push_back(bench::timeMs([&] { answer = stdioSession.call(trivial); }) * 1000);
        if (!ok(answer))
            qFatal("stdio connection_list failed: %s", answer.constData());
        stdioSl.push_back(bench::timeMs([&] { answer = stdioSession.call(sl); }) * 1000);
        if (!ok(answer))
            qFatal("stdio sl_query failed: %s", answer.constData());
    }
    http.terminate();
    http.waitForFinished(10000);

    const Latency ht = percentiles(httpTrivial), hs = percentiles(httpSl);
    const Latency st = percentiles(stdioTrivial), ss = percentiles(stdioSl);
    std::printf("tools/call round trips (spawned ktx; microseconds)\n");
    std::printf("  %-34s p50 %9.0f us   p99 %9.0f us\n", "HTTP  connection_list (trivial)", ht.p50,
                ht.p99);
    std::printf("  %-34s p50 %9.0f us   p99 %9.0f us\n", "HTTP  sl_query", hs.p50, hs.p99);
    std::printf("  %-34s p50 %9.0f us   p99 %9.0f us\n", "stdio connection_list (trivial)", st.p50,
                st.p99);
    std::printf("  %-34s p50 %9.0f us   p99 %9.0f us\n", "stdio sl_query", ss.p50, ss.p99);
    std::printf("  ratio sl_query / trivial, HTTP    p50 %6.2fx   p99 %6.2fx\n", hs.p50 / ht.p50,
                hs.p99 / ht.p99);
    std::printf("  ratio sl_query / trivial, stdio   p50 %6.2fx   p99 %6.2fx\n", ss.p50 / st.p50,
                ss.p99 / st.p99);
    std::printf("  ratio HTTP / stdio, trivial       p50 %6.2fx\n", ht.p50 / st.p50);
    std::printf("  sl_query tool time in the call (HTTP p50 - trivial p50) vs in-process tool "
                "median: %.0f us vs %.0f us\n",
                hs.p50 - ht.p50, t.median * 1000);
    return 0;
}
