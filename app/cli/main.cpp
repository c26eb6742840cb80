// ktx: the headless command line. Shares the runtime with ktx-desktop and needs
// no display.
#include "admincommand.h"
#include "clicontext.h"
#include "ingestcommand.h"
#include "mcpcommand.h"
#include "reviewcommand.h"
#include "setupcommand.h"
#include "slcommand.h"
#include "sqlcommand.h"
#include "statuscommand.h"
#include "wikicommand.h"

#include "core/secretredactor.h"

#include <QCoreApplication>

using namespace ktx;

namespace {

const char *kHelp
    = "ktx — the context layer for data agents\n"
      "\n"
      "Usage: ktx [--project-dir <path>] [--json] [--no-input] <command> [options]\n"
      "\n"
      "Commands:\n"
      "  status             Show whether the project is ready (local state only)\n"
      "  setup --no-input   Create or update a project from flags\n"
      "  ingest [id|--all]  Build context from the databases (schema, sources, joins)\n"
      "  admin init|demo    Create an empty project, or the demo project\n"
      "  sql <id> \"<query>\" Run one read-only query on a database connection\n"
      "  sl [words]|read|query|validate  Semantic layer: list, search, read, compile, run\n"
      "  wiki [words]|read <key>  Wiki pages: list, search, read\n"
      "  mcp [status|start|stop|logs|stdio]  The MCP server agents use\n"
      "  review [show|accept|reject|apply] <runId>  Review pending ingest runs\n"
      "\n"
      "Global options:\n"
      "  --project-dir <path>  Project directory (default: KTX_PROJECT_DIR, then the\n"
      "                        nearest folder upward with a ktx.yaml, then the current one)\n"
      "  --json                Machine-readable output\n"
      "  --no-input            Never prompt\n"
      "  --debug               Diagnostics on stderr\n"
      "  -v, --version         Print the version\n"
      "  -h, --help            Show this help\n"
      "\n"
      "Run `ktx <command> --help` for a command's options.\n";

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ktx"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KTX_VERSION));
    SecretRedactor::installMessageHandler();

    CliContext context;
    QStringList args = app.arguments().mid(1);

    // Global options before the command word; the rest belongs to the command.
    while (!args.isEmpty() && args.constFirst().startsWith(QLatin1Char('-'))) {
        const QString arg = args.takeFirst();
        if (arg == QLatin1String("-h") || arg == QLatin1String("--help")) {
            context.out() << kHelp;
            return ExitOk;
        }
        if (arg == QLatin1String("-v") || arg == QLatin1String("--version")) {
            context.out() << "ktx " << KTX_VERSION << " (ktx desktop, Qt " << qVersion() << ")\n";
            return ExitOk;
        }
        if (arg == QLatin1String("--json")) {
            context.json = true;
        } else if (arg == QLatin1String("--no-input")) {
            context.noInput = true;
        } else if (arg == QLatin1String("--debug")) {
            context.debug = true;
        } else if (arg == QLatin1String("--project-dir")
                   || arg.startsWith(QLatin1String("--project-dir="))) {
            if (arg.contains(QLatin1Char('='))) {
                context.projectDirFlag = arg.section(QLatin1Char('='), 1);
            } else if (args.isEmpty()) {
                context.err() << "ktx: --project-dir needs a path\n";
                return ExitUsage;
            } else {
                context.projectDirFlag = args.takeFirst();
            }
        } else {
            context.err() << "ktx: unknown option '" << arg << "'\n\n" << kHelp;
            return ExitUsage;
        }
    }
    if (args.isEmpty()) {
        context.err() << kHelp;
        return ExitUsage;
    }
    const QString command = args.takeFirst();
    if (command == QLatin1String("status"))
        return StatusCommand::run(context, args);
    if (command == QLatin1String("setup"))
        return SetupCommand::run(context, args);
    if (command == QLatin1String("ingest"))
        return IngestCommand::run(context, args);
    if (command == QLatin1String("admin"))
        return AdminCommand::run(context, args);
    if (command == QLatin1String("sql"))
        return SqlCommand::run(context, args);
    if (command == QLatin1String("sl"))
        return SlCommand::run(context, args);
    if (command == QLatin1String("wiki"))
        return WikiCommand::run(context, args);
    if (command == QLatin1String("mcp"))
        return McpCommand::run(context, args);
    if (command == QLatin1String("review"))
        return ReviewCommand::run(context, args);
    if (command == QLatin1String("help")) {
        context.out() << kHelp;
        return ExitOk;
    }
    context.err() << "ktx: unknown command '" << command << "'\n\n" << kHelp;
    return ExitUsage;
}
