#include "admincommand.h"

#include "clicontext.h"
#include "demo/demoproject.h"
#include "project/projectlocator.h"
#include "project/projectscaffold.h"

#include <QDir>
#include <QElapsedTimer>

namespace ktx {

namespace {

const char *kUsage = "Usage: ktx admin <command>\n\n"
                     "Commands:\n"
                     "  init [directory]   Create an empty ktx project (its own git repository)\n"
                     "  demo [directory]   Create the demo project: a generated SQLite warehouse, "
                     "no model needed\n";

QString targetDir(const CliContext &context, const QStringList &positional)
{
    if (!positional.isEmpty())
        return QDir::cleanPath(QDir::current().absoluteFilePath(positional.constFirst()));
    if (!context.projectDirFlag.isEmpty())
        return QDir::cleanPath(QDir::current().absoluteFilePath(context.projectDirFlag));
    return QDir::currentPath();
}

} // namespace

int AdminCommand::run(CliContext &context, const QStringList &args)
{
    if (args.isEmpty() || args.constFirst() == QLatin1String("--help")
        || args.constFirst() == QLatin1String("-h")) {
        (args.isEmpty() ? context.err() : context.out()) << kUsage;
        return args.isEmpty() ? ExitUsage : ExitOk;
    }
    const QString sub = args.constFirst();
    QCommandLineParser parser;
    const QCommandLineOption yes(QStringLiteral("yes"),
                                 QStringLiteral("Create ktx files in a non-empty folder."));
    if (sub == QLatin1String("init")) {
        parser.setApplicationDescription(QStringLiteral(
            "Create an empty ktx project in [directory] (default: the current folder)."));
        parser.addOption(yes);
    } else if (sub == QLatin1String("demo")) {
        parser.setApplicationDescription(
            QStringLiteral("Create the demo project in [directory]: about 50,000 rows of a "
                           "generated business in SQLite."));
    } else {
        context.err() << "ktx admin: unknown command '" << sub << "'\n\n" << kUsage;
        return ExitUsage;
    }
    parser.addPositionalArgument(QStringLiteral("directory"),
                                 QStringLiteral("Where to create the project."),
                                 QStringLiteral("[directory]"));
    if (const auto exit = context.parse(parser, QStringLiteral("admin ") + sub, args.mid(1)))
        return *exit;
    if (parser.positionalArguments().size() > 1)
        return context.fail(QStringLiteral("usage"),
                            QStringLiteral("ktx admin %1 takes one directory.").arg(sub), {},
                            ExitUsage);
    const QString dir = targetDir(context, parser.positionalArguments());

    QElapsedTimer timer;
    timer.start();
    if (sub == QLatin1String("init")) {
        ProjectScaffold::Options options;
        options.allowNonEmpty = parser.isSet(yes);
        if (Result<void> r = ProjectScaffold::create(dir, options); !r.ok())
            return context.fail(r.error().code, r.error().message, r.error().hint);
    } else {
        if (!context.json)
            context.out() << "Creating the demo project in " << dir << " …\n" << Qt::flush;
        if (Result<void> r = DemoProject::create(dir); !r.ok())
            return context.fail(r.error().code, r.error().message, r.error().hint);
    }
    if (context.json) {
        context.printJson(QJsonObject {{QStringLiteral("ok"), true},
                                       {QStringLiteral("projectDir"), dir},
                                       {QStringLiteral("elapsedMs"), timer.elapsed()}});
    } else {
        context.out() << "Created ktx project at " << dir << " (" << timer.elapsed() << " ms)\n"
                      << "Next: ktx status --project-dir " << dir << "\n";
    }
    return ExitOk;
}

} // namespace ktx
