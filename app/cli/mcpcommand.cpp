#include "mcpcommand.h"

#include "clicontext.h"
#include "core/atomicfile.h"
#include "ktxtools/ktxtoolset.h"
#include "project/configloader.h"
#include "project/projectlocator.h"
#include "serve/mcphttptransport.h"
#include "serve/mcpserver.h"
#include "serve/mcpstdiotransport.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QHostInfo>
#include <QJsonDocument>
#include <QSocketNotifier>
#include <QTcpServer>
#include <QThread>

#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace ktx {

namespace {

constexpr quint16 kDefaultPort = 7878;
constexpr int kStartTimeoutMs = 15000;
constexpr int kStopTimeoutMs = 10000;

struct Project
{
    QString dir;
    ProjectConfig config;
};

std::optional<Project> loadProject(CliContext &context, int *exitCode)
{
    const ProjectLocator::Resolution where = ProjectLocator::resolve(context.projectDirFlag);
    if (!where.hasConfig) {
        *exitCode = context.fail(QStringLiteral("missing_project"),
                                 QStringLiteral("No ktx.yaml found in %1").arg(where.dir),
                                 QStringLiteral("Run `ktx setup` to create one, or pass "
                                                "--project-dir <path>."));
        return std::nullopt;
    }
    Result<LoadedConfig> loaded = ConfigLoader::loadFile(ProjectLocator::configPath(where.dir));
    if (!loaded.ok()) {
        *exitCode = context.fail(loaded.error().code, loaded.error().message, loaded.error().hint);
        return std::nullopt;
    }
    return Project {where.dir, loaded->config};
}

QString statePath(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/mcp.json"));
}

QString logPath(const QString &projectDir)
{
    return QDir(projectDir).filePath(QStringLiteral(".ktx/logs/mcp.log"));
}

// Alive and still an MCP server of ours: a zombie is dead, and a recycled pid
// now running something else is not our daemon.
bool daemonAlive(qint64 pid)
{
    if (pid <= 0 || (::kill(pid_t(pid), 0) != 0 && errno != EPERM))
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray text = stat.readAll();
        const qsizetype close = text.lastIndexOf(')');
        if (close > 0 && close + 2 < text.size() && text.at(close + 2) == 'Z')
            return false;
    }
    QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(pid));
    if (cmdline.open(QIODevice::ReadOnly))
        return cmdline.readAll().split('\0').contains("mcp");
    return true;
}

struct DaemonState
{
    enum class Kind { Stopped, Running, Stale } kind = Kind::Stopped;
    QJsonObject state;

    qint64 pid() const { return qint64(state.value(QLatin1String("pid")).toDouble()); }
    QString url() const { return state.value(QLatin1String("url")).toString(); }
};

DaemonState inspect(const QString &projectDir)
{
    QFile file(statePath(projectDir));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    DaemonState d;
    d.state = QJsonDocument::fromJson(file.readAll()).object();
    d.kind = daemonAlive(d.pid()) ? DaemonState::Kind::Running : DaemonState::Kind::Stale;
    return d;
}

// Removes the state file only while it still describes `pid`: a newer daemon
// may have replaced it.
void removeState(const QString &projectDir, qint64 pid)
{
    QFile file(statePath(projectDir));
    if (!file.open(QIODevice::ReadOnly))
        return;
    const qint64 recorded = qint64(
        QJsonDocument::fromJson(file.readAll()).object().value(QLatin1String("pid")).toDouble());
    file.close();
    if (recorded == pid)
        QFile::remove(statePath(projectDir));
}

void printReady(CliContext &context)
{
    context.out() << "ktx is ready for configured agents.\n"
                  << "Ask your agent, for example: \"Which metrics does ktx know about, and what "
                     "was revenue by month last year?\"\n";
    context.out().flush();
}

Result<QHostAddress> resolveHost(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return QHostAddress(QHostAddress::LocalHost);
    const QHostAddress address(host);
    if (!address.isNull())
        return address;
    const QHostInfo info = QHostInfo::fromName(host);
    if (info.error() != QHostInfo::NoError || info.addresses().isEmpty())
        return makeError(
            QStringLiteral("mcp_bad_host"),
            QStringLiteral("Cannot resolve --host %1: %2").arg(host, info.errorString()),
            QStringLiteral("Pass an IP address such as 127.0.0.1 or 0.0.0.0."));
    return info.addresses().first();
}

Error portInUse(const QString &host, quint16 port)
{
    return makeError(QStringLiteral("mcp_port_in_use"),
                     QStringLiteral("Port %1 on %2 is already in use.").arg(port).arg(host),
                     QStringLiteral("Stop the process using it (`ktx mcp stop` if it is a ktx MCP "
                                    "daemon), or choose another port with --port <n>."));
}

// Turns SIGTERM and SIGINT into a quit of the event loop, so the server
// cleans up (state file, sessions) instead of dying mid-write.
class QuitOnSignal
{
public:
    QuitOnSignal()
    {
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, s_fds) != 0)
            return;
        m_notifier = std::make_unique<QSocketNotifier>(s_fds[1], QSocketNotifier::Read);
        QObject::connect(m_notifier.get(), &QSocketNotifier::activated, [] {
            char byte;
            if (::read(s_fds[1], &byte, 1) > 0)
                QCoreApplication::quit();
        });
        struct sigaction action = {};
        action.sa_handler = [](int) {
            const char byte = 1;
            [[maybe_unused]] const ssize_t n = ::write(s_fds[0], &byte, 1);
        };
        sigemptyset(&action.sa_mask);
        action.sa_flags = SA_RESTART;
        ::sigaction(SIGTERM, &action, nullptr);
        ::sigaction(SIGINT, &action, nullptr);
    }

private:
    static inline int s_fds[2] = {-1, -1};
    std::unique_ptr<QSocketNotifier> m_notifier;
};

// One line per tool call: name, outcome and duration. Never the arguments or
// the output: they can hold SQL, row data or secrets.
void logToolCalls(McpServer &server)
{
    QObject::connect(&server, &McpServer::toolCallFinished, [](const McpToolCall &call) {
        const char *outcome = call.cancelled ? "cancelled" : call.output.isError ? "error" : "ok";
        std::fprintf(stderr, "%s tool=%s outcome=%s durationMs=%.1f\n",
                     qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)),
                     qPrintable(call.tool), outcome, call.durationMs);
        std::fflush(stderr);
    });
}

std::unique_ptr<McpServer> makeServer(const Project &project)
{
    auto context = std::make_shared<KtxToolContext>();
    context->projectDir = project.dir;
    context->config = project.config;
    auto server = std::make_unique<McpServer>(KtxToolSet::build(context));
    server->setServerInfo(QStringLiteral("ktx"), QStringLiteral(KTX_VERSION),
                          QStringLiteral("ktx context layer"));
    server->setCompactAnnotations(true);
    server->setInstructions(QStringLiteral(
        "ktx serves this project's data context. Find the right connection with "
        "connection_list, read semantic-layer sources with sl_read_source, answer questions "
        "with sl_query (it plans joins and avoids double counting), inspect raw tables with "
        "entity_details and fall back to read-only sql_execution only when the semantic layer "
        "cannot answer."));
    logToolCalls(*server);
    return server;
}

struct ServeOptions
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = kDefaultPort;
    QByteArray token;
    QStringList allowedHosts;
    QStringList allowedOrigins;
};

// Serves Streamable HTTP in this process until SIGTERM/SIGINT: the body of
// both `start --foreground` and the detached daemon.
int serveHttp(CliContext &context, const Project &project, const ServeOptions &options,
              bool foreground)
{
    Result<QHostAddress> address = resolveHost(options.host);
    if (!address.ok())
        return context.fail(address.error().code, address.error().message, address.error().hint);
    std::unique_ptr<McpServer> server = makeServer(project);
    McpHttpTransport transport(server.get());
    transport.setBearerToken(options.token);
    transport.setAllowedHosts(options.allowedHosts);
    transport.setAllowedOrigins(options.allowedOrigins);
    QElapsedTimer uptime;
    uptime.start();
    transport.setHealthProvider([&project, &transport, uptime] {
        return QJsonObject {{QStringLiteral("status"), QStringLiteral("ok")},
                            {QStringLiteral("projectDir"), project.dir},
                            {QStringLiteral("port"), int(transport.serverPort())},
                            {QStringLiteral("uptimeMs"), double(uptime.elapsed())}};
    });
    const Result<void> listening = transport.listen(*address, options.port);
    if (!listening.ok()) {
        if (listening.error().message.contains(QLatin1String("already in use"),
                                               Qt::CaseInsensitive)) {
            const Error e = portInUse(options.host, options.port);
            return context.fail(e.code, e.message, e.hint);
        }
        return context.fail(listening.error().code, listening.error().message,
                            listening.error().hint);
    }
    // Name the host as asked ("localhost", a DNS name) so the URL is the one
    // a client should use; the port is the bound one (--port 0 picks).
    QUrl url = transport.url();
    if (options.host != QLatin1String("0.0.0.0") && options.host != QLatin1String("::"))
        url.setHost(options.host);
    const qint64 pid = QCoreApplication::applicationPid();
    const QJsonObject state {
        {QStringLiteral("schemaVersion"), 1},
        {QStringLiteral("pid"), double(pid)},
        {QStringLiteral("host"), options.host},
        {QStringLiteral("port"), int(transport.serverPort())},
        {QStringLiteral("url"), url.toString()},
        {QStringLiteral("projectDir"), project.dir},
        {QStringLiteral("startedAt"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
        {QStringLiteral("tokenAuth"), !options.token.isEmpty()},
        {QStringLiteral("logPath"), logPath(project.dir)}};
    const Result<void> written
        = AtomicFile::write(statePath(project.dir), QJsonDocument(state).toJson());
    if (!written.ok())
        return context.fail(written.error().code, written.error().message, written.error().hint);

    QuitOnSignal quitOnSignal;
    if (foreground) {
        context.out() << "ktx MCP server listening at " << url.toString() << '\n';
        context.out().flush();
    }
    std::fprintf(stderr,
                 "%s ktx MCP server listening at %s (pid %lld, project %s, token auth %s)\n",
                 qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)),
                 qPrintable(url.toString()), static_cast<long long>(pid), qPrintable(project.dir),
                 options.token.isEmpty() ? "disabled" : "enabled");
    std::fflush(stderr);
    const int code = QCoreApplication::exec();
    transport.close();
    removeState(project.dir, pid);
    std::fprintf(stderr, "%s ktx MCP server stopped\n",
                 qPrintable(QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)));
    std::fflush(stderr);
    return code;
}

// Reads --host/--port/--token/--allowed-*; false after printing a usage error.
struct ServeParser
{
    QCommandLineOption host {QStringLiteral("host"),
                             QStringLiteral("Address to listen on (default 127.0.0.1)."),
                             QStringLiteral("host"), QStringLiteral("127.0.0.1")};
    QCommandLineOption port {QStringLiteral("port"),
                             QStringLiteral("Port (default 7878; 0 picks a free one)."),
                             QStringLiteral("port"), QString::number(kDefaultPort)};
    QCommandLineOption allowedHost {QStringLiteral("allowed-host"),
                                    QStringLiteral("Accept this Host header too (repeatable)."),
                                    QStringLiteral("host")};
    QCommandLineOption allowedOrigin {QStringLiteral("allowed-origin"),
                                      QStringLiteral("Accept this Origin too (repeatable)."),
                                      QStringLiteral("origin")};

    void addTo(QCommandLineParser &parser) const
    {
        parser.addOptions({host, port, allowedHost, allowedOrigin});
    }
    std::optional<ServeOptions> read(CliContext &context, const QCommandLineParser &parser,
                                     int *exitCode) const
    {
        ServeOptions o;
        o.host = parser.value(host).trimmed();
        bool ok = false;
        const uint value = parser.value(port).toUInt(&ok);
        if (!ok || value > 65535) {
            *exitCode = context.fail(QStringLiteral("usage"),
                                     QStringLiteral("--port must be a number from 0 to 65535 "
                                                    "(got \"%1\").")
                                         .arg(parser.value(port)),
                                     {}, ExitUsage);
            return std::nullopt;
        }
        o.port = quint16(value);
        o.allowedHosts = parser.values(allowedHost);
        o.allowedOrigins = parser.values(allowedOrigin);
        return o;
    }
};

bool isLoopbackHost(const QString &host)
{
    if (host == QLatin1String("localhost"))
        return true;
    const QHostAddress address(host);
    return !address.isNull() && address.isLoopback();
}

int status(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Show whether the MCP daemon is running."));
    if (const auto exit = context.parse(parser, QStringLiteral("mcp status"), args))
        return *exit;
    int exitCode = ExitOk;
    const auto project = loadProject(context, &exitCode);
    if (!project)
        return exitCode;
    const DaemonState d = inspect(project->dir);
    if (d.kind == DaemonState::Kind::Stale)
        QFile::remove(statePath(project->dir));
    const bool running = d.kind == DaemonState::Kind::Running;
    if (context.json) {
        QJsonObject out {{QStringLiteral("running"), running},
                         {QStringLiteral("stale"), d.kind == DaemonState::Kind::Stale},
                         {QStringLiteral("projectDir"), project->dir},
                         {QStringLiteral("logPath"), logPath(project->dir)}};
        if (running) {
            for (const char *key : {"pid", "host", "port", "url", "startedAt", "tokenAuth"})
                out.insert(QLatin1String(key), d.state.value(QLatin1String(key)));
        }
        context.printJson(out);
        return ExitOk;
    }
    if (!running) {
        context.out() << "ktx MCP daemon is not running.\n";
        if (d.kind == DaemonState::Kind::Stale)
            context.out() << "Removed stale state: process " << d.pid() << " is gone.\n";
        context.out() << "Start it with `ktx mcp start`.\n";
        context.out().flush();
        return ExitOk;
    }
    context.out() << "ktx MCP daemon is running.\n"
                  << "URL: " << d.url() << '\n'
                  << "PID: " << d.pid() << '\n'
                  << "Token auth: "
                  << (d.state.value(QLatin1String("tokenAuth")).toBool() ? "enabled" : "disabled")
                  << '\n'
                  << "Project: " << d.state.value(QLatin1String("projectDir")).toString() << '\n';
    context.out().flush();
    return ExitOk;
}

int stop(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Stop the MCP daemon of this project."));
    if (const auto exit = context.parse(parser, QStringLiteral("mcp stop"), args))
        return *exit;
    int exitCode = ExitOk;
    const auto project = loadProject(context, &exitCode);
    if (!project)
        return exitCode;
    const DaemonState d = inspect(project->dir);
    if (d.kind != DaemonState::Kind::Running) {
        if (d.kind == DaemonState::Kind::Stale)
            QFile::remove(statePath(project->dir));
        context.out() << "ktx MCP daemon is not running.\n";
        context.out().flush();
        return ExitOk;
    }
    const pid_t pid = pid_t(d.pid());
    ::kill(pid, SIGTERM);
    QElapsedTimer waited;
    waited.start();
    while (daemonAlive(pid) && waited.elapsed() < kStopTimeoutMs)
        QThread::msleep(50);
    if (daemonAlive(pid)) {
        ::kill(pid, SIGKILL);
        while (daemonAlive(pid) && waited.elapsed() < kStopTimeoutMs + 2000)
            QThread::msleep(50);
    }
    if (daemonAlive(pid))
        return context.fail(QStringLiteral("mcp_stop_failed"),
                            QStringLiteral("The MCP daemon (pid %1) did not stop.").arg(pid),
                            QStringLiteral("Stop it by hand: kill -9 %1").arg(pid));
    removeState(project->dir, pid);
    context.out() << "ktx MCP daemon stopped.\n";
    context.out().flush();
    return ExitOk;
}

int logs(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Print the MCP daemon's log."));
    const QCommandLineOption follow({QStringLiteral("f"), QStringLiteral("follow")},
                                    QStringLiteral("Keep printing new lines until interrupted."));
    parser.addOption(follow);
    if (const auto exit = context.parse(parser, QStringLiteral("mcp logs"), args))
        return *exit;
    int exitCode = ExitOk;
    const auto project = loadProject(context, &exitCode);
    if (!project)
        return exitCode;
    const QString path = logPath(project->dir);
    QFile file(path);
    if (!file.exists() && !parser.isSet(follow)) {
        context.err() << "No MCP log yet at " << path << "; `ktx mcp start` writes it.\n";
        context.err().flush();
        return ExitOk;
    }
    // Raw bytes, unchanged: the log is UTF-8 text already.
    auto drain = [&file] {
        const QByteArray bytes = file.readAll();
        if (!bytes.isEmpty()) {
            std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
            std::fflush(stdout);
        }
    };
    if (file.open(QIODevice::ReadOnly))
        drain();
    if (!parser.isSet(follow))
        return ExitOk;
    // Until SIGINT/SIGTERM (their default action ends the process).
    for (;;) {
        QThread::msleep(250);
        if (!file.isOpen()) {
            if (!file.open(QIODevice::ReadOnly))
                continue;
        } else if (file.size() < file.pos()) {
            file.seek(0); // truncated or replaced: start over
        }
        drain();
    }
}

int stdio(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Serve MCP on stdin/stdout (for clients that spawn the server, such as "
                       "Claude Desktop)."));
    if (const auto exit = context.parse(parser, QStringLiteral("mcp stdio"), args))
        return *exit;
    int exitCode = ExitOk;
    const auto project = loadProject(context, &exitCode);
    if (!project)
        return exitCode;
    std::unique_ptr<McpServer> server = makeServer(*project);
    McpStdioTransport transport(server.get());
    QObject::connect(&transport, &McpStdioTransport::finished, QCoreApplication::instance(),
                     &QCoreApplication::quit);
    QuitOnSignal quitOnSignal;
    transport.start();
    return QCoreApplication::exec();
}

int serveInternal(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    ServeParser serve;
    serve.addTo(parser);
    if (const auto exit = context.parse(parser, QStringLiteral("mcp serve-internal"), args))
        return *exit;
    int exitCode = ExitOk;
    const auto project = loadProject(context, &exitCode);
    if (!project)
        return exitCode;
    auto options = serve.read(context, parser, &exitCode);
    if (!options)
        return exitCode;
    // The parent hands the token over in the environment (never argv, which
    // other users can read); nothing we run later needs it.
    options->token = qgetenv("KTX_MCP_TOKEN");
    qunsetenv("KTX_MCP_TOKEN");
    return serveHttp(context, *project, *options, false);
}

// Starts `ktx mcp serve-internal` in a new session with stdout/stderr appended
// to the log. Everything the child needs is prepared before fork(): after it
// only async-signal-safe calls are allowed.
Result<pid_t> spawnDaemon(const QString &projectDir, const ServeOptions &options)
{
    const QString log = logPath(projectDir);
    if (!QDir().mkpath(QFileInfo(log).absolutePath()))
        return makeError(QStringLiteral("mcp_log"),
                         QStringLiteral("Cannot create %1").arg(QFileInfo(log).absolutePath()));
    const int logFd = ::open(QFile::encodeName(log).constData(),
                             O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (logFd < 0)
        return makeError(
            QStringLiteral("mcp_log"),
            QStringLiteral("Cannot open %1: %2").arg(log, QString::fromLocal8Bit(strerror(errno))));
    const int nullFd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);

    QStringList args {QCoreApplication::applicationFilePath(),
                      QStringLiteral("--project-dir"),
                      projectDir,
                      QStringLiteral("mcp"),
                      QStringLiteral("serve-internal"),
                      QStringLiteral("--host"),
                      options.host,
                      QStringLiteral("--port"),
                      QString::number(options.port)};
    for (const QString &h : options.allowedHosts)
        args << QStringLiteral("--allowed-host") << h;
    for (const QString &o : options.allowedOrigins)
        args << QStringLiteral("--allowed-origin") << o;
    std::vector<QByteArray> bytes;
    for (const QString &a : args)
        bytes.push_back(QFile::encodeName(a));
    std::vector<char *> argv;
    for (QByteArray &b : bytes)
        argv.push_back(b.data());
    argv.push_back(nullptr);
    if (options.token.isEmpty())
        qunsetenv("KTX_MCP_TOKEN");
    else
        qputenv("KTX_MCP_TOKEN", options.token);

    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(logFd);
        return makeError(
            QStringLiteral("mcp_spawn"),
            QStringLiteral("fork() failed: %1").arg(QString::fromLocal8Bit(strerror(errno))));
    }
    if (pid == 0) {
        ::setsid();
        ::dup2(nullFd, 0);
        ::dup2(logFd, 1);
        ::dup2(logFd, 2);
        // Nothing else of the parent's (sockets, pipes of whoever started us).
        for (int fd = 3; fd < 1024; ++fd)
            ::close(fd);
        ::execv(argv[0], argv.data());
        const char message[] = "ktx mcp: cannot run the daemon executable\n";
        [[maybe_unused]] const ssize_t n = ::write(2, message, sizeof message - 1);
        ::_exit(127);
    }
    ::close(logFd);
    if (nullFd >= 0)
        ::close(nullFd);
    return pid;
}

int start(CliContext &context, const QStringList &args)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Start the MCP server for this project: a background daemon at "
        "http://<host>:<port>/mcp (Streamable HTTP), logging to .ktx/logs/mcp.log.\n"
        "A host other than loopback needs a bearer token (--token or KTX_MCP_TOKEN)."));
    ServeParser serve;
    serve.addTo(parser);
    const QCommandLineOption token(QStringLiteral("token"),
                                   QStringLiteral("Require this bearer token (default: "
                                                  "KTX_MCP_TOKEN)."),
                                   QStringLiteral("token"));
    const QCommandLineOption foreground(QStringLiteral("foreground"),
                                        QStringLiteral("Serve in this process until Ctrl-C."));
    parser.addOptions({token, foreground});
    if (const auto exit = context.parse(parser, QStringLiteral("mcp start"), args))
        return *exit;
    int exitCode = ExitOk;
    const auto project = loadProject(context, &exitCode);
    if (!project)
        return exitCode;
    auto options = serve.read(context, parser, &exitCode);
    if (!options)
        return exitCode;
    options->token = parser.isSet(token) ? parser.value(token).toUtf8() : qgetenv("KTX_MCP_TOKEN");
    // Checked before anything starts: a token-less server on a network
    // interface would hand the warehouse to anyone who can reach it.
    if (!isLoopbackHost(options->host) && options->token.isEmpty())
        return context.fail(
            QStringLiteral("mcp_token_required"),
            QStringLiteral("Refusing to bind the MCP server to non-loopback host %1 without a "
                           "token.")
                .arg(options->host),
            QStringLiteral("Pass --token <token> or set KTX_MCP_TOKEN, or use --host 127.0.0.1."));

    const DaemonState d = inspect(project->dir);
    if (d.kind == DaemonState::Kind::Running) {
        context.out() << "ktx MCP daemon already running: " << d.url() << '\n';
        printReady(context);
        return ExitOk;
    }
    if (d.kind == DaemonState::Kind::Stale)
        QFile::remove(statePath(project->dir));

    Result<QHostAddress> address = resolveHost(options->host);
    if (!address.ok())
        return context.fail(address.error().code, address.error().message, address.error().hint);
    if (options->port != 0) {
        // A clear message before the daemon is spawned (it would only log it).
        QTcpServer probe;
        if (!probe.listen(*address, options->port)) {
            const Error e = probe.serverError() == QAbstractSocket::AddressInUseError
                ? portInUse(options->host, options->port)
                : makeError(QStringLiteral("mcp_listen_failed"),
                            QStringLiteral("Cannot listen on %1:%2: %3")
                                .arg(options->host)
                                .arg(options->port)
                                .arg(probe.errorString()));
            return context.fail(e.code, e.message, e.hint);
        }
        probe.close();
    }

    if (parser.isSet(foreground))
        return serveHttp(context, *project, *options, true);

    const QString log = logPath(project->dir);
    const qint64 logOffset = QFileInfo(log).size();
    Result<pid_t> spawned = spawnDaemon(project->dir, *options);
    if (!spawned.ok())
        return context.fail(spawned.error().code, spawned.error().message, spawned.error().hint);
    const pid_t pid = *spawned;
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < kStartTimeoutMs) {
        int status = 0;
        if (::waitpid(pid, &status, WNOHANG) == pid) {
            QFile file(log);
            QString tail;
            if (file.open(QIODevice::ReadOnly) && file.seek(logOffset))
                tail = QString::fromUtf8(file.readAll()).trimmed();
            return context.fail(QStringLiteral("mcp_start_failed"),
                                QStringLiteral("The MCP daemon exited during startup.%1")
                                    .arg(tail.isEmpty() ? QString() : QLatin1Char('\n') + tail),
                                QStringLiteral("See %1").arg(log));
        }
        const DaemonState now = inspect(project->dir);
        if (now.kind == DaemonState::Kind::Running && now.pid() == pid) {
            context.out() << "ktx MCP daemon started: " << now.url() << '\n';
            printReady(context);
            return ExitOk;
        }
        QThread::msleep(50);
    }
    ::kill(pid, SIGTERM);
    return context.fail(QStringLiteral("mcp_start_timeout"),
                        QStringLiteral("The MCP daemon did not report ready within %1 s.")
                            .arg(kStartTimeoutMs / 1000),
                        QStringLiteral("See %1").arg(log));
}

} // namespace

int McpCommand::run(CliContext &context, const QStringList &args)
{
    const QString sub = args.value(0);
    const QStringList rest = args.mid(1);
    if (sub.isEmpty() || sub.startsWith(QLatin1Char('-'))) {
        if (sub == QLatin1String("-h") || sub == QLatin1String("--help")) {
            context.out() << "Usage: ktx mcp [status|start|stop|logs|stdio] [options]\n\n"
                             "  status              Whether the MCP daemon runs, its URL and PID "
                             "(the default)\n"
                             "  start [--foreground] [--host H] [--port 7878] [--token T]\n"
                             "        [--allowed-host H]... [--allowed-origin O]...\n"
                             "                      Start the HTTP daemon (Streamable HTTP at "
                             "/mcp)\n"
                             "  stop                Stop the daemon\n"
                             "  logs [--follow]     Print .ktx/logs/mcp.log\n"
                             "  stdio               Serve one client on stdin/stdout\n";
            context.out().flush();
            return ExitOk;
        }
        return status(context, args);
    }
    if (sub == QLatin1String("status"))
        return status(context, rest);
    if (sub == QLatin1String("start"))
        return start(context, rest);
    if (sub == QLatin1String("stop"))
        return stop(context, rest);
    if (sub == QLatin1String("logs"))
        return logs(context, rest);
    if (sub == QLatin1String("stdio"))
        return stdio(context, rest);
    if (sub == QLatin1String("serve-internal"))
        return serveInternal(context, rest);
    return context.fail(QStringLiteral("usage"),
                        QStringLiteral("Unknown mcp subcommand '%1'.").arg(sub),
                        QStringLiteral("Use one of: status, start, stop, logs, stdio."), ExitUsage);
}

} // namespace ktx
