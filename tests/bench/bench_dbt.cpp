// A generated dbt project of 2,000 models (100 folders of 20, a properties
// file per folder with tests and relationships, SQL with Jinja, a manifest):
// parse + check, and extraction onto a 2,000-source warehouse layer, against
// plainly reading the same files in the same run; peak RSS; and a re-ingest
// of the unchanged project through the whole pipeline (IngestRun: git,
// staging, projection), which must commit nothing; then with an in-process
// model: one unit per properties file once, and no model call when unchanged.
#include "benchfigures.h"

#include "ingest/contextsourceingest.h"
#include "project/configloader.h"
#include "sources/contextsource.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <atomic>
#include <cstdio>

using namespace ktx;

namespace {

constexpr int kFolders = 100;
constexpr int kPerFolder = 20;

void write(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(bytes);
}

QString model(int folder, int i)
{
    return QStringLiteral("m%1_%2")
        .arg(folder, 3, 10, QLatin1Char('0'))
        .arg(i, 2, 10, QLatin1Char('0'));
}

// The dbt project under `root`, and the warehouse layer (one standalone source
// per model) under `layer`.
void generate(const QString &root, const QString &layer)
{
    write(root + QStringLiteral("/dbt_project.yml"),
          "name: 'bench'\nversion: '1.0.0'\nconfig-version: 2\nprofile: 'bench'\n"
          "model-paths: [\"models\"]\nmodels:\n  bench:\n    +materialized: table\n");
    QJsonObject nodes;
    for (int f = 0; f < kFolders; ++f) {
        const QString dir = root + QStringLiteral("/models/area_%1").arg(f);
        QByteArray props = "version: 2\n\nmodels:\n";
        for (int i = 0; i < kPerFolder; ++i) {
            const QString name = model(f, i);
            const QString parent = i > 0 ? model(f, 0) : QString();
            write(dir + QLatin1Char('/') + name + QStringLiteral(".sql"),
                  QStringLiteral("{{ config(materialized='table', tags=['area_%1']) }}\n\n"
                                 "select id, parent_id, status, amount, created_at\n"
                                 "from {{ ref('%2') }}\n"
                                 "{%% if is_incremental() %%} where created_at > (select "
                                 "max(created_at) from {{ this }}) {%% endif %%}\n")
                      .arg(f)
                      .arg(parent.isEmpty() ? QStringLiteral("raw_%1").arg(f) : parent)
                      .toUtf8());
            props
                += QStringLiteral("  - name: %1\n    description: Model %1 of area %2.\n"
                                  "    columns:\n"
                                  "      - name: id\n        description: Primary key.\n"
                                  "        tests: [unique, not_null]\n"
                                  "      - name: status\n        tests:\n"
                                  "          - accepted_values:\n"
                                  "              values: ['open', 'closed', 'void']\n"
                                  "      - name: amount\n        description: Amount in USD.\n"
                                  "      - name: created_at\n        description: Creation time.\n")
                       .arg(name)
                       .arg(f)
                       .toUtf8();
            if (!parent.isEmpty())
                props += QStringLiteral("      - name: parent_id\n        tests:\n"
                                        "          - relationships:\n"
                                        "              to: ref('%1')\n              field: id\n")
                             .arg(parent)
                             .toUtf8();
            nodes.insert(
                QStringLiteral("model.bench.") + name,
                QJsonObject {{QStringLiteral("resource_type"), QStringLiteral("model")},
                             {QStringLiteral("name"), name},
                             {QStringLiteral("alias"), name},
                             {QStringLiteral("schema"), QStringLiteral("analytics")},
                             {QStringLiteral("database"), QStringLiteral("dw")},
                             {QStringLiteral("description"), QString()},
                             {QStringLiteral("columns"), QJsonObject()},
                             {QStringLiteral("tags"), QJsonArray {QStringLiteral("area")}}});
            write(layer + QLatin1Char('/') + name + QStringLiteral(".yaml"),
                  QStringLiteral(
                      "name: %1\ntable: analytics.%1\ngrain:\n  - id\ncolumns:\n"
                      "  - name: id\n    type: number\n  - name: parent_id\n    type: number\n"
                      "  - name: status\n    type: string\n  - name: amount\n    type: number\n"
                      "  - name: created_at\n    type: time\n    role: time\njoins: []\n"
                      "measures:\n  - name: row_count\n    expr: COUNT(*)\n")
                      .arg(name)
                      .toUtf8());
        }
        write(dir + QStringLiteral("/schema.yml"), props);
    }
    write(root + QStringLiteral("/target/manifest.json"),
          QJsonDocument(QJsonObject {{QStringLiteral("nodes"), nodes},
                                     {QStringLiteral("sources"), QJsonObject()}})
              .toJson(QJsonDocument::Compact));
}

qint64 readAll(const QString &root)
{
    qint64 bytes = 0;
    QDirIterator it(root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            bytes += f.readAll().size();
    }
    return bytes;
}

QMap<QString, QByteArray> layerFiles(const QString &layer, const QString &prefix)
{
    QMap<QString, QByteArray> files;
    QDirIterator it(layer, QDir::Files);
    while (it.hasNext()) {
        QFile f(it.next());
        if (f.open(QIODevice::ReadOnly))
            files.insert(prefix + QFileInfo(f).fileName(), f.readAll());
    }
    return files;
}

long peakRssKb()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : status.readAll().split('\n'))
        if (line.startsWith("VmHWM:"))
            return line.mid(6).trimmed().split(' ').first().toLong();
    return -1;
}

int git(const QString &dir, const QStringList &args)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.start(QStringLiteral("git"),
            QStringList {QStringLiteral("-c"), QStringLiteral("user.name=b"), QStringLiteral("-c"),
                         QStringLiteral("user.email=b@b")}
                + args);
    p.waitForFinished(300000);
    return p.exitCode();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QString root = tmp.filePath(QStringLiteral("dbt"));
    const QString project = tmp.filePath(QStringLiteral("project"));
    const QString layer = project + QStringLiteral("/semantic-layer/warehouse");
    generate(root, layer);
    const long rssStart = peakRssKb();
    std::printf("dbt project: %d models in %d folders, %lld bytes\n", kFolders * kPerFolder,
                kFolders, static_cast<long long>(readAll(root)));

    const auto parser = contextSourceParser(QStringLiteral("dbt"));
    ContextSourceInput input;
    input.rootDir = root;
    input.connectionId = QStringLiteral("bench_dbt");
    input.warehouseConnectionId = QStringLiteral("warehouse");
    input.baseFiles = layerFiles(layer, QStringLiteral("semantic-layer/warehouse/"));

    constexpr int kRounds = 5;
    std::vector<double> reading, checking, extracting;
    int models = 0, sources = 0, joins = 0, errors = 0;
    for (int round = 0; round < kRounds; ++round) {
        reading.push_back(bench::timeMs([&] { readAll(root); }));
        checking.push_back(bench::timeMs([&] {
            const auto r = parser->check(root);
            models = r.ok() ? r->models : -1;
            errors = r.ok() ? int(r->errors.size()) : -1;
        }));
        extracting.push_back(bench::timeMs([&] {
            const auto e = parser->extract(input);
            sources = e.ok() ? int(e->report.sources.size()) : -1;
            joins = e.ok() ? e->report.joins : -1;
        }));
    }
    const auto read = bench::summarize(reading);
    const auto check = bench::summarize(checking);
    const auto extract = bench::summarize(extracting);
    std::printf("check: %d models, %d errors; extract: %d sources, %d joins\n", models, errors,
                sources, joins);
    bench::print("reference: read every file (bytes only)", read);
    bench::print("parse + check (DbtProject::load)", check);
    bench::print("extract (parse + map onto 2,000 sources)", extract);
    std::printf("  ratio check/read %.1fx, extract/read %.1fx (medians)\n",
                check.median / read.median, extract.median / read.median);
    std::printf("  peak RSS %.1f MiB (%.1f MiB before parsing)\n", peakRssKb() / 1024.0,
                rssStart / 1024.0);

    // The whole pipeline: first ingest lands, the second finds nothing to do.
    write(project + QStringLiteral("/ktx.yaml"),
          QStringLiteral("connections:\n  warehouse:\n    driver: sqlite\n    path: dw.sqlite\n"
                         "  bench_dbt:\n    driver: dbt\n    source_dir: %1\n    warehouse: "
                         "warehouse\nllm:\n  provider:\n    backend: none\n")
              .arg(root)
              .toUtf8());
    git(project,
        {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"),
         QStringLiteral("main")});
    git(project, {QStringLiteral("add"), QStringLiteral("-A")});
    git(project, {QStringLiteral("commit"), QStringLiteral("-qm"), QStringLiteral("base")});
    auto config = ConfigLoader::loadFile(project + QStringLiteral("/ktx.yaml"));
    if (!config.ok()) {
        std::printf("config: %s\n", qPrintable(config.error().message));
        return 1;
    }
    const ConnectionConfig *connection = config->config.connection(QStringLiteral("bench_dbt"));
    ContextSourceIngestResult first;
    // Where the first ingest spends its time, per pipeline phase.
    QList<QPair<QString, qint64>> phases;
    ContextSourceIngest::Options timed;
    timed.listener = [&phases](const IngestEvent &e) {
        if (e.type == IngestEvent::Type::PhaseChanged || e.type == IngestEvent::Type::Landed)
            phases << qMakePair(e.type == IngestEvent::Type::Landed
                                    ? QStringLiteral("(landed)")
                                    : e.data.value(QStringLiteral("phase")).toString(),
                                e.atMs);
    };
    const double firstMs = bench::timeMs(
        [&] { first = ContextSourceIngest::run(project, config->config, *connection, timed); });
    std::printf("first ingest: %s, %s, %.0f ms (%d files added, %d modified)\n",
                qPrintable(first.status), qPrintable(first.detail), firstMs, first.added,
                first.modified);
    for (qsizetype i = 0; i + 1 < phases.size(); ++i)
        std::printf("  phase %-16s %6lld ms\n", qPrintable(phases.at(i).first),
                    static_cast<long long>(phases.at(i + 1).second - phases.at(i).second));
    std::vector<double> again;
    ContextSourceIngestResult second;
    for (int round = 0; round < 3; ++round)
        again.push_back(bench::timeMs(
            [&] { second = ContextSourceIngest::run(project, config->config, *connection); }));
    bench::print("re-ingest, nothing changed", bench::summarize(again));
    std::printf(
        "  re-ingest: unchanged=%s commit=%s model calls=%d\n", second.unchanged ? "yes" : "no",
        second.commitId.isEmpty() ? "none" : qPrintable(second.commitId), second.modelCalls);
    std::printf("  peak RSS after ingest %.1f MiB\n", peakRssKb() / 1024.0);

    // With a model (in process, answering at once, writing nothing): the units
    // the model-less runs planned run once (one per properties file, above 25),
    // then an unchanged re-ingest calls it no more.
    std::atomic<int> calls {0};
    ContextSourceIngest::Options withModel;
    withModel.loopRunner = [&calls](const LoopRequest &, const AgentEventSink &) {
        ++calls;
        LoopResult r;
        r.finalText = QStringLiteral("Extraction covered it.");
        return r;
    };
    ContextSourceIngestResult modelled;
    const double modelledMs = bench::timeMs([&] {
        modelled = ContextSourceIngest::run(project, config->config, *connection, withModel);
    });
    std::printf("ingest with a model: %s, %d units, %d model calls, %.0f ms\n",
                qPrintable(modelled.status), modelled.unitsRun, modelled.modelCalls, modelledMs);
    const int callsBefore = calls;
    ContextSourceIngestResult third;
    const double thirdMs = bench::timeMs(
        [&] { third = ContextSourceIngest::run(project, config->config, *connection, withModel); });
    std::printf("  re-ingest with a model, nothing changed: unchanged=%s, %d model calls "
                "(%d loops), %.0f ms\n",
                third.unchanged ? "yes" : "no", third.modelCalls, calls - callsBefore, thirdMs);
    return first.status == QLatin1String("done") && second.unchanged && second.modelCalls == 0
            && third.unchanged && third.modelCalls == 0 && calls == callsBefore
        ? 0
        : 1;
}
