// `ktx status` on a large project: 1,000 semantic sources and 1,000 wiki pages.
// Prints the in-process computation and the whole `ktx status --json` process,
// each against a reference measured in the same run (`ktx --version`, the cost
// of starting the process at all), because machines here are noisy.
#include "benchfigures.h"
#include "project/projectscaffold.h"
#include "status/statusreporter.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <vector>

using namespace ktx;
using namespace ktx::bench;

namespace {

void runProcess(const QStringList &args)
{
    QProcess p;
    p.start(QStringLiteral(KTX_CLI_PATH), args);
    p.waitForFinished(60000);
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        std::fprintf(stderr, "ktx %s failed: %s\n", qPrintable(args.join(' ')),
                     p.readAllStandardError().constData());
        std::exit(1);
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int runs = argc > 1 ? std::max(3, atoi(argv[1])) : 15;
    QTemporaryDir tmp;
    const QString dir = tmp.filePath(QStringLiteral("big"));
    ProjectScaffold::Options options;
    options.configText
        = "connections:\n  warehouse:\n    driver: postgres\n    host: db\n    schemas: "
          "[analytics]\n"
          "llm:\n  provider:\n    backend: claude-code\n  models:\n    default: sonnet\n";
    if (!ProjectScaffold::create(dir, options).ok())
        return 1;
    QDir().mkpath(dir + QStringLiteral("/semantic-layer/warehouse"));
    for (int i = 0; i < 1000; ++i) {
        QFile source(dir + QStringLiteral("/semantic-layer/warehouse/source_%1.yaml").arg(i));
        source.open(QIODevice::WriteOnly);
        source.write(QStringLiteral("name: source_%1\ntable: analytics.t_%1\ngrain: "
                                    "[id]\ncolumns:\n  - name: id\n    type: number\n")
                         .arg(i)
                         .toUtf8());
        QFile page(dir + QStringLiteral("/wiki/global/page-%1.md").arg(i));
        page.open(QIODevice::WriteOnly);
        page.write(
            QStringLiteral("---\nsummary: Page %1\ntags: [bench]\n---\n# Page %1\n\nBody text.\n")
                .arg(i)
                .toUtf8());
    }

    std::printf("ktx status on 1,000 semantic sources + 1,000 wiki pages (%d runs each)\n", runs);
    const StatusReport check = StatusReporter::compute(dir);
    if (check.localStats.semanticLayer.value(0).sourceCount != 1000) {
        std::fprintf(stderr, "unexpected source count\n");
        return 1;
    }
    const auto measure = [runs](const auto &work) {
        std::vector<double> ms;
        for (int i = 0; i < runs; ++i)
            ms.push_back(timeMs(work));
        return summarize(ms);
    };
    const Figures inProcess = measure([&] { StatusReporter::compute(dir); });
    const Figures reference = measure([] { runProcess({QStringLiteral("--version")}); });
    const Figures status = measure([&] {
        runProcess({QStringLiteral("--project-dir"), dir, QStringLiteral("status"),
                    QStringLiteral("--json")});
    });
    print("StatusReporter::compute (in-process)", inProcess);
    print("reference: ktx --version (process)", reference);
    print("ktx status --json (process)", status);
    std::printf("  ratio status/reference (median)    %.2fx\n", status.median / reference.median);
    std::printf("  status cost above start-up (median) %.2f ms   (target: whole process < 150 ms; "
                "original ktx: ~800 ms)\n",
                status.median - reference.median);
    return 0;
}
