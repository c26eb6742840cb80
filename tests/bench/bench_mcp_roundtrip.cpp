// MCP tools/call round trips (echo tool) over Streamable HTTP and over stdio,
// each beside a reference with no MCP in it, measured in the same run and
// interleaved round by round: a bare HttpServer that echoes the request body
// (same client, same keep-alive connection), and a bare line echo over the same
// kind of pipes. The ratio is what the MCP layer (JSON-RPC parsing, schema
// check, the hop to the thread pool and back, session checks) costs per call.
// Servers run on their own thread; the client blocks on the main thread.
#include "mcptestservertools.h"
#include "net/httpresponder.h"
#include "net/httpserver.h"
#include "serve/mcphttptransport.h"
#include "serve/mcpserver.h"
#include "serve/mcpstdiotransport.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QThread>

#include <cstdio>
#include <fcntl.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace ktx;

namespace {

// Percentiles of per-call latencies in microseconds.
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

// A blocking HTTP/1.1 client on one keep-alive connection.
class BlockingHttpClient
{
public:
    explicit BlockingHttpClient(quint16 port)
    {
        m_socket.connectToHost(QHostAddress::LocalHost, port);
        if (!m_socket.waitForConnected(5000))
            qFatal("cannot connect to port %d", port);
    }
    // Returns the body; fills `headers` with the raw head when asked.
    QByteArray post(const QByteArray &path, const QByteArray &extraHeaders, const QByteArray &body,
                    QByteArray *head = nullptr)
    {
        m_socket.write("POST " + path
                       + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                         "Accept: application/json, text/event-stream\r\n"
                       + extraHeaders + "Content-Length: " + QByteArray::number(body.size())
                       + "\r\n\r\n" + body);
        qsizetype headEnd;
        while ((headEnd = m_buffer.indexOf("\r\n\r\n")) < 0)
            readMore();
        const QByteArray headText = m_buffer.left(headEnd);
        const qsizetype lengthAt = headText.toLower().indexOf("content-length:");
        const qsizetype lengthEnd = headText.indexOf("\r\n", lengthAt);
        const qsizetype length
            = headText
                  .mid(lengthAt + 15, (lengthEnd < 0 ? headText.size() : lengthEnd) - lengthAt - 15)
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
        if (!m_socket.waitForReadyRead(10000))
            qFatal("no answer from the server");
        m_buffer += m_socket.readAll();
    }
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

// Reads one '\n'-terminated line from a blocking fd.
QByteArray readLine(int fd, QByteArray &buffer)
{
    char chunk[65536];
    qsizetype nl;
    while ((nl = buffer.indexOf('\n')) < 0) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n <= 0)
            qFatal("pipe closed");
        buffer.append(chunk, n);
    }
    const QByteArray line = buffer.left(nl);
    buffer.remove(0, nl + 1);
    return line;
}

void writeAll(int fd, const QByteArray &bytes)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, bytes.size() - done);
        if (n <= 0)
            qFatal("pipe write failed");
        done += n;
    }
}

QByteArray callBody(int id, const QByteArray &text)
{
    return QJsonDocument(
               QJsonObject {{QStringLiteral("jsonrpc"), QStringLiteral("2.0")},
                            {QStringLiteral("id"), id},
                            {QStringLiteral("method"), QStringLiteral("tools/call")},
                            {QStringLiteral("params"),
                             QJsonObject {{QStringLiteral("name"), QStringLiteral("echo")},
                                          {QStringLiteral("arguments"),
                                           QJsonObject {{QStringLiteral("text"),
                                                         QString::fromUtf8(text)}}}}}})
        .toJson(QJsonDocument::Compact);
}

const QByteArray InitializeBody
    = "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
      "\"2025-11-25\","
      "\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\",\"version\":\"1\"}}}";

void check(bool ok, const char *what)
{
    if (!ok)
        qFatal("benchmark sanity check failed: %s", what);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int rounds = argc > 1 ? std::max(3, atoi(argv[1])) : 10;
    const int callsPerRound = 200;
    const QByteArray payload(64, 'p');

    // Servers on their own thread with an event loop, as in the product.
    QThread serverThread;
    serverThread.start();
    auto *bare = new HttpServer;
    auto *mcp = new McpServer(McpTestServerTools::create());
    auto *http = new McpHttpTransport(mcp);
    int toServer[2], fromServer[2];
    check(::pipe(toServer) == 0 && ::pipe(fromServer) == 0, "pipes");
    auto *stdio = new McpStdioTransport(mcp, toServer[0], fromServer[1]);
    bare->setHandler([](const HttpRequest &request, HttpResponder *responder) {
        responder->respond(200, {{"Content-Type", "application/json"}}, request.body);
    });
    auto *context = new QObject; // runs set-up and tear-down on the server thread
    for (QObject *o : std::initializer_list<QObject *> {bare, mcp, http, stdio, context})
        o->moveToThread(&serverThread);
    quint16 barePort = 0, mcpPort = 0;
    QMetaObject::invokeMethod(
        context,
        [&] {
            check(bare->listen().ok(), "bare listen");
            check(http->listen().ok(), "mcp listen");
            barePort = bare->serverPort();
            mcpPort = http->serverPort();
            stdio->start();
        },
        Qt::BlockingQueuedConnection);

    // The line-echo reference: a thread copying lines between its own pipes.
    int echoIn[2], echoOut[2];
    check(::pipe(echoIn) == 0 && ::pipe(echoOut) == 0, "pipes");
    std::thread lineEcho([&] {
        QByteArray buffer;
        for (;;) {
            char chunk[65536];
            const ssize_t n = ::read(echoIn[0], chunk, sizeof chunk);
            if (n <= 0)
                return;
            writeAll(echoOut[1], QByteArray(chunk, n));
        }
    });

    BlockingHttpClient bareClient(barePort);
    BlockingHttpClient mcpClient(mcpPort);
    QByteArray head;
    mcpClient.post("/mcp", {}, InitializeBody, &head);
    const qsizetype sidAt = head.toLower().indexOf("mcp-session-id:");
    check(sidAt >= 0, "session id");
    const QByteArray sessionId
        = head.mid(sidAt + 15, head.indexOf("\r\n", sidAt) - sidAt - 15).trimmed();
    const QByteArray sessionHeaders
        = "Mcp-Session-Id: " + sessionId + "\r\nMCP-Protocol-Version: 2025-11-25\r\n";
    mcpClient.post("/mcp", sessionHeaders,
                   "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");

    QByteArray stdioBuffer, echoBuffer;
    writeAll(toServer[1], InitializeBody + "\n");
    readLine(fromServer[0], stdioBuffer);

    std::vector<double> mcpHttp, bareHttp, mcpStdio, bareLine;
    int id = 1;
    QElapsedTimer timer;
    for (int round = 0; round < rounds + 1; ++round) {
        const bool warmUp = round == 0;
        for (int i = 0; i < callsPerRound; ++i) {
            const QByteArray body = callBody(id++, payload);
            timer.start();
            const QByteArray answer = mcpClient.post("/mcp", sessionHeaders, body);
            const double a = double(timer.nsecsElapsed()) / 1e3;
            check(answer.contains(payload), "mcp http answer");

            timer.start();
            const QByteArray echoed = bareClient.post("/echo", {}, body);
            const double b = double(timer.nsecsElapsed()) / 1e3;
            check(echoed == body, "bare http answer");

            timer.start();
            writeAll(toServer[1], body + "\n");
            const QByteArray line = readLine(fromServer[0], stdioBuffer);
            const double c = double(timer.nsecsElapsed()) / 1e3;
            check(line.contains(payload), "mcp stdio answer");

            timer.start();
            writeAll(echoIn[1], body + "\n");
            const QByteArray copy = readLine(echoOut[0], echoBuffer);
            const double d = double(timer.nsecsElapsed()) / 1e3;
            check(copy == body, "line echo answer");

            if (!warmUp) {
                mcpHttp.push_back(a);
                bareHttp.push_back(b);
                mcpStdio.push_back(c);
                bareLine.push_back(d);
            }
        }
    }

    const Latency mh = percentiles(mcpHttp), bh = percentiles(bareHttp), ms = percentiles(mcpStdio),
                  bl = percentiles(bareLine);
    std::printf(
        "MCP tools/call round trip, echo tool, %zu calls each (%d rounds of %d, interleaved)\n",
        mcpHttp.size(), rounds, callsPerRound);
    std::printf("  %-40s p50 %8.1f us   p99 %8.1f us\n", "MCP over Streamable HTTP (JSON)", mh.p50,
                mh.p99);
    std::printf("  %-40s p50 %8.1f us   p99 %8.1f us\n", "reference: bare HTTP echo, same client",
                bh.p50, bh.p99);
    std::printf("  %-40s p50 %8.1fx      p99 %8.1fx\n", "ratio", mh.p50 / bh.p50, mh.p99 / bh.p99);
    std::printf("  %-40s p50 %8.1f us   p99 %8.1f us\n", "MCP over stdio (pipes)", ms.p50, ms.p99);
    std::printf("  %-40s p50 %8.1f us   p99 %8.1f us\n", "reference: bare line echo over pipes",
                bl.p50, bl.p99);
    std::printf("  %-40s p50 %8.1fx      p99 %8.1fx\n", "ratio", ms.p50 / bl.p50, ms.p99 / bl.p99);
    std::printf("  %-40s p50 %8.1fx\n", "MCP stdio vs bare HTTP echo", ms.p50 / bh.p50);

    ::close(echoIn[1]);
    lineEcho.join();
    ::close(toServer[1]);
    QMetaObject::invokeMethod(
        context,
        [&] {
            delete stdio;
            delete http;
            delete mcp;
            delete bare;
        },
        Qt::BlockingQueuedConnection);
    context->deleteLater();
    serverThread.quit();
    serverThread.wait();
    return 0;
}
