// Pending-run review on a run touching 2,000 semantic-layer files:
// PendingRuns::list (diff stats only), RunReview::load (every file's hunks,
// provenance lookup, semantic summaries) and one file's diff, each beside
// GitDiff::between of the same two commits measured in the same rounds; also
// the per-path GitRepository::fileAt reads between() used before (a tree walk
// per read) and the bare in-memory diffs.
#include "benchfigures.h"
#include "git/gitdiff.h"
#include "git/gitrepository.h"
#include "ingest/runstore.h"
#include "review/pendingruns.h"
#include "review/runreview.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <cstdio>

using namespace ktx;
using namespace ktx::bench;

namespace {

QByteArray sourceFile(int n, bool after)
{
    QByteArray text = "name: table_" + QByteArray::number(n) + "\ntable: public.table_"
        + QByteArray::number(n) + "\ngrain: [column_0]\ncolumns:\n";
    for (int c = 0; c < 25; ++c)
        text += "  - name: column_" + QByteArray::number(c) + "\n    type: number\n";
    text += "measures:\n  - name: row_count\n    expr: COUNT(*)\n";
    if (after) {
        text.replace("  - name: column_12\n    type: number\n",
                     "  - name: column_12\n    type: number\n    description: The twelfth.\n");
        text += "  - name: total\n    expr: SUM(column_3)\n";
    }
    return text;
}

int fail(const QString &what)
{
    std::fprintf(stderr, "bench_review: %s\n", qPrintable(what));
    return 1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int files = argc > 1 ? QByteArray(argv[1]).toInt() : 2000;
    const int rounds = argc > 2 ? QByteArray(argv[2]).toInt() : 5;
    QTemporaryDir tmp;
    const QString dir = tmp.path();
    auto repository = GitRepository::init(dir);
    if (!repository.ok())
        return fail(repository.error().message);
    QFile ignore(dir + QStringLiteral("/.gitignore"));
    if (!ignore.open(QIODevice::WriteOnly) || ignore.write(".ktx/\n") != 6)
        return fail(QStringLiteral("cannot write .gitignore"));
    ignore.close();
    GitRepository::FileChanges base, changed;
    for (int i = 0; i < files; ++i) {
        const QString path
            = QStringLiteral("semantic-layer/wh/table_%1.yaml").arg(i, 5, 10, QLatin1Char('0'));
        base.insert(path, sourceFile(i, false));
        changed.insert(path, sourceFile(i, true));
    }
    const GitRepository::Signature who {QStringLiteral("Bench"), QStringLiteral("b@example.com")};
    auto first = repository->commit(QStringLiteral("empty"), who);
    if (!first.ok())
        return fail(first.error().message);
    auto baseCommit = repository->createCommit(*first, base, QStringLiteral("base"), who);
    if (!baseCommit.ok())
        return fail(baseCommit.error().message);
    auto runCommit = repository->createCommit(*baseCommit, changed, QStringLiteral("run"), who);
    if (!runCommit.ok())
        return fail(runCommit.error().message);
    const QString runId = QStringLiteral("bench-run");
    if (auto r = repository->setBranch(QStringLiteral("ktx/runs/") + runId, *runCommit); !r.ok())
        return fail(r.error().message);
    {
        auto store = RunStore::open(dir);
        if (!store.ok())
            return fail(store.error().message);
        IngestRunRecord record;
        record.runId = runId;
        record.connectionId = QStringLiteral("wh");
        record.sourceKey = QStringLiteral("live-database");
        record.status = QStringLiteral("pending_review");
        record.baseCommit = *baseCommit;
        record.runBranch = QStringLiteral("ktx/runs/") + runId;
        record.commitId = *runCommit;
        record.reviewMode = QStringLiteral("review");
        if (auto r = (*store)->insertRun(record); !r.ok())
            return fail(r.error().message);
    }

    std::vector<double> between, stats, list, load, firstFile, reads, diffs;
    QList<QPair<QByteArray, QByteArray>> contents;
    for (auto it = changed.cbegin(); it != changed.cend(); ++it)
        contents << qMakePair(*base.value(it.key()), *it.value());
    int listedFiles = 0, loadedFiles = 0, lines = 0;
    const QString firstPath = changed.firstKey();
    for (int round = 0; round < rounds; ++round) {
        reads.push_back(timeMs([&] {
            for (auto it = changed.cbegin(); it != changed.cend(); ++it) {
                (void)repository->fileAt(*baseCommit, it.key());
                (void)repository->fileAt(*runCommit, it.key());
            }
        }));
        diffs.push_back(timeMs([&] {
            for (const auto &c : std::as_const(contents))
                (void)GitDiff::diffFile(firstPath, c.first, c.second);
        }));
        between.push_back(timeMs(
            [&] { lines = int(GitDiff::between(*repository, *baseCommit, *runCommit)->size()); }));
        stats.push_back(
            timeMs([&] { (void)GitDiff::statsBetween(*repository, *baseCommit, *runCommit); }));
        list.push_back(timeMs([&] { listedFiles = PendingRuns::list(dir)->first().files; }));
        load.push_back(
            timeMs([&] { loadedFiles = int(RunReview::load(dir, runId)->files().size()); }));
        firstFile.push_back(timeMs([&] {
            (void)GitDiff::diffFile(firstPath, repository->fileAt(*baseCommit, firstPath).value(),
                                    repository->fileAt(*runCommit, firstPath).value());
        }));
    }
    if (listedFiles != files || loadedFiles != files || lines != files)
        return fail(QStringLiteral("expected %1 files, listed %2, loaded %3")
                        .arg(files)
                        .arg(listedFiles)
                        .arg(loadedFiles));

    std::printf("Review of a pending run touching %d files (%d rounds)\n", files, rounds);
    const Figures ref = summarize(between);
    print("GitDiff::between (reference)", ref);
    const auto row = [&](const char *name, const std::vector<double> &ms) {
        const Figures f = summarize(ms);
        print(name, f);
        std::printf("  %-44s %.2fx the reference (median)\n", "", f.median / ref.median);
    };
    row("both versions via GitRepository::fileAt", reads);
    row("diffFile of the bytes in memory only", diffs);
    row("GitDiff::statsBetween (counts only)", stats);
    row("PendingRuns::list", list);
    row("RunReview::load (all hunks, summaries)", load);
    row("first file's diff (GitDiff::diffFile)", firstFile);
    return 0;
}
