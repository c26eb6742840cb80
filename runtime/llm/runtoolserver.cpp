#include "llm/runtoolserver.h"

#include "serve/mcphttptransport.h"
#include "serve/mcpserver.h"

#include <QCoreApplication>
#include <QRandomGenerator>
#include <QThread>

namespace ktx {

class RunToolServer::Private
{
public:
    QThread thread;
    QObject *context = nullptr; // lives in `thread`; the server objects are created through it
    McpServer *server = nullptr;
    McpHttpTransport *transport = nullptr;
    QString url;
    QString token;
};

Result<std::unique_ptr<RunToolServer>> RunToolServer::start(const ToolSet &tools)
{
    auto d = std::make_unique<Private>();
    QByteArray secret(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(secret.data()),
                                          secret.size() / 4);
    d->token = QString::fromLatin1(secret.toHex());

    d->thread.setObjectName(QStringLiteral("run-tool-server"));
    d->context = new QObject();
    d->context->moveToThread(&d->thread);
    d->thread.start();

    QString error;
    Private *p = d.get();
    QMetaObject::invokeMethod(
        p->context,
        [p, &tools, &error] {
            p->server = new McpServer(tools);
            p->server->setServerInfo(QStringLiteral("ktx-runtime"),
                                     QCoreApplication::applicationVersion());
            p->transport = new McpHttpTransport(p->server);
            p->transport->setBearerToken(p->token.toLatin1());
            const Result<void> listening = p->transport->listen(QHostAddress::LocalHost, 0);
            if (!listening)
                error = listening.error().message;
            else
                p->url = p->transport->url().toString();
        },
        Qt::BlockingQueuedConnection);
    auto self = std::unique_ptr<RunToolServer>(new RunToolServer(std::move(d)));
    if (!error.isEmpty()) {
        return makeError(
            QStringLiteral("llm.tool_server"),
            QStringLiteral("Could not start the run's tool server on 127.0.0.1: %1").arg(error));
    }
    return self;
}

RunToolServer::RunToolServer(std::unique_ptr<Private> p)
    : d(std::move(p))
{ }

RunToolServer::~RunToolServer()
{
    Private *p = d.get();
    QMetaObject::invokeMethod(
        p->context,
        [p] {
            delete p->transport; // stops listening and drops connections first
            delete p->server; // waits for tool calls still running
            delete p->context;
        },
        Qt::BlockingQueuedConnection);
    p->thread.quit();
    p->thread.wait();
}

QString RunToolServer::url() const
{
    return d->url;
}

QString RunToolServer::token() const
{
    return d->token;
}

} // namespace ktx
