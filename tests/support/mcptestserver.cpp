// ktx_test_mcp_server: the MCP server core over McpTestServerTools, for tests
// with real MCP clients.
//   ktx_test_mcp_server --stdio
//   ktx_test_mcp_server --http [--host 127.0.0.1] [--port 0] [--token T]
// In HTTP mode the first stdout line is the endpoint URL. Tool calls are
// logged to stderr ("call <tool> ok|error|cancelled <ms>"), never to stdout.
#include "mcptestservertools.h"
#include "serve/mcphttptransport.h"
#include "serve/mcpserver.h"
#include "serve/mcpstdiotransport.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

using namespace ktx;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser cli;
    cli.addHelpOption();
    cli.addOption({QStringLiteral("stdio"), QStringLiteral("Serve on stdin/stdout.")});
    cli.addOption({QStringLiteral("http"), QStringLiteral("Serve Streamable HTTP.")});
    cli.addOption({QStringLiteral("host"), QStringLiteral("Address to bind."),
                   QStringLiteral("address"), QStringLiteral("127.0.0.1")});
    cli.addOption({QStringLiteral("port"), QStringLiteral("Port (0 = any free one)."),
                   QStringLiteral("port"), QStringLiteral("0")});
    cli.addOption({QStringLiteral("token"), QStringLiteral("Require this bearer token."),
                   QStringLiteral("token")});
    cli.process(app);
    if (cli.isSet(QStringLiteral("stdio")) == cli.isSet(QStringLiteral("http"))) {
        std::fprintf(stderr, "ktx_test_mcp_server: pass exactly one of --stdio and --http\n");
        return 2;
    }

    McpServer server(McpTestServerTools::create());
    server.setServerInfo(QStringLiteral("ktx-test"), QStringLiteral(KTX_VERSION),
                         QStringLiteral("ktx test server"));
    server.setInstructions(QStringLiteral("Test tools for ktx's MCP server."));
    QObject::connect(&server, &McpServer::toolCallFinished, [](const McpToolCall &call) {
        const char *outcome = call.cancelled ? "cancelled" : call.output.isError ? "error" : "ok";
        std::fprintf(stderr, "call %s %s %.1f\n", qPrintable(call.tool), outcome, call.durationMs);
        std::fflush(stderr);
    });

    if (cli.isSet(QStringLiteral("stdio"))) {
        McpStdioTransport transport(&server);
        QObject::connect(&transport, &McpStdioTransport::finished, &app, &QCoreApplication::quit);
        transport.start();
        return app.exec();
    }

    McpHttpTransport transport(&server);
    transport.setBearerToken(cli.value(QStringLiteral("token")).toUtf8());
    const Result<void> listening
        = transport.listen(QHostAddress(cli.value(QStringLiteral("host"))),
                           quint16(cli.value(QStringLiteral("port")).toUInt()));
    if (!listening.ok()) {
        std::fprintf(stderr, "ktx_test_mcp_server: %s\n", qPrintable(listening.error().toText()));
        return 1;
    }
    std::printf("%s\n", transport.url().toString().toUtf8().constData());
    std::fflush(stdout);
    return app.exec();
}
