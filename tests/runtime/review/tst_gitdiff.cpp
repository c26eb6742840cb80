// GitDiff: structured diffs (hunks, line numbers, binary) and applying a
// chosen subset of hunks, checked against the plain git command line.
#include "git/gitdiff.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace ktx;

namespace {

QByteArray lines(int from, int to, const QByteArray &suffix = {})
{
    QByteArray out;
    for (int i = from; i <= to; ++i)
        out += "line " + QByteArray::number(i) + suffix + "\n";
    return out;
}

// Every subset of hunks of `before -> after`, applied by us and by `git apply`
// of the same hunks, must agree.
QByteArray gitApply(const QByteArray &before, const FileDiff &diff, const QSet<int> &accepted)
{
    QTemporaryDir dir;
    QFile f(dir.filePath(QStringLiteral("f.txt")));
    f.open(QIODevice::WriteOnly);
    f.write(before);
    f.close();
    QByteArray patch = "--- a/f.txt\n+++ b/f.txt\n";
    // Hunks left out shift the new-side numbers; git apply recomputes them from
    // the old side, so only old ranges must be exact.
    for (int i = 0; i < diff.hunks.size(); ++i) {
        if (!accepted.contains(i))
            continue;
        const DiffHunk &h = diff.hunks.at(i);
        patch += QStringLiteral("@@ -%1,%2 +%3,%4 @@\n")
                     .arg(h.oldStart)
                     .arg(h.oldLines)
                     .arg(h.oldStart)
                     .arg(h.newLines)
                     .toUtf8();
        for (const DiffLine &l : h.lines) {
            patch += l.kind == DiffLine::Kind::Added
                ? '+'
                : (l.kind == DiffLine::Kind::Removed ? '-' : ' ');
            patch += l.text;
            if (!l.text.endsWith('\n'))
                patch += "\n\\ No newline at end of file\n";
        }
    }
    QProcess p;
    p.setWorkingDirectory(dir.path());
    p.start(QStringLiteral("git"),
            {QStringLiteral("apply"), QStringLiteral("--unidiff-zero"), QStringLiteral("-")});
    p.write(patch);
    p.closeWriteChannel();
    p.waitForFinished(30000);
    if (p.exitCode() != 0)
        return "git apply failed: " + p.readAllStandardError() + "\n" + patch;
    f.open(QIODevice::ReadOnly);
    return f.readAll();
}

} // namespace

class TestGitDiff : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hunksAndLineNumbers()
    {
        const QByteArray before = lines(1, 40);
        QByteArray after = before;
        after.replace("line 2\n", "line 2 changed\n");
        after.replace("line 30\n", "line 30\nline 30b\n");
        auto diff = GitDiff::diffFile(QStringLiteral("f.txt"), before, after);
        QVERIFY(diff.ok());
        QCOMPARE(diff->status, FileDiff::Status::Modified);
        QCOMPARE(diff->hunks.size(), 2);
        QCOMPARE(diff->additions(), 2);
        QCOMPARE(diff->deletions(), 1);
        const DiffHunk &first = diff->hunks.at(0);
        QCOMPARE(first.oldStart, 1);
        QCOMPARE(first.header, QStringLiteral("@@ -1,5 +1,5 @@"));
        const auto removed
            = std::find_if(first.lines.cbegin(), first.lines.cend(),
                           [](const DiffLine &l) { return l.kind == DiffLine::Kind::Removed; });
        QVERIFY(removed != first.lines.cend());
        QCOMPARE(removed->oldLine, 2);
        QCOMPARE(removed->newLine, 0);
        QCOMPARE(removed->text, QByteArray("line 2\n"));
        const DiffHunk &second = diff->hunks.at(1);
        // with the section line, as git prints it
        QCOMPARE(second.header, QStringLiteral("@@ -28,6 +28,7 @@ line 27"));
        const DiffLine &added = second.lines.at(3);
        QCOMPARE(added.kind, DiffLine::Kind::Added);
        QCOMPARE(added.oldLine, 0);
        QCOMPARE(added.newLine, 31);
        QCOMPARE(added.text, QByteArray("line 30b\n"));
    }

    void applySubsets_data()
    {
        QTest::addColumn<QByteArray>("before");
        QTest::addColumn<QByteArray>("after");
        QByteArray b = lines(1, 60);
        QByteArray a = b;
        a.replace("line 1\n", "");
        a.replace("line 20\n", "line 20 x\nline 20 y\n");
        a.replace("line 40\n", "line 40\ninserted\n");
        a += "tail\n";
        QTest::newRow("four hunks") << b << a;
        QByteArray noEol = lines(1, 30);
        noEol.chop(1);
        QByteArray noEolAfter = noEol;
        noEolAfter.replace("line 3\n", "line three\n");
        noEolAfter += "\nline 31";
        QTest::newRow("no newline at end") << noEol << noEolAfter;
        QTest::newRow("from empty") << QByteArray() << lines(1, 3);
        QTest::newRow("to empty") << lines(1, 3) << QByteArray();
    }

    void applySubsets()
    {
        QFETCH(QByteArray, before);
        QFETCH(QByteArray, after);
        auto diff = GitDiff::diffFile(QStringLiteral("f.txt"), before, after);
        QVERIFY(diff.ok());
        const int n = int(diff->hunks.size());
        QVERIFY(n >= 1);
        for (int mask = 0; mask < (1 << n); ++mask) {
            QSet<int> accepted;
            for (int i = 0; i < n; ++i)
                if (mask & (1 << i))
                    accepted.insert(i);
            const QByteArray ours = GitDiff::applyHunks(before, *diff, accepted);
            if (mask == 0)
                QCOMPARE(ours, before);
            else if (mask == (1 << n) - 1)
                QCOMPARE(ours, after);
            if (mask != 0)
                QCOMPARE(ours, gitApply(before, *diff, accepted));
        }
    }

    void addedDeletedBinary()
    {
        auto added = GitDiff::diffFile(QStringLiteral("n.txt"), std::nullopt, QByteArray("a\nb\n"));
        QVERIFY(added.ok());
        QCOMPARE(added->status, FileDiff::Status::Added);
        QCOMPARE(added->additions(), 2);
        auto deleted = GitDiff::diffFile(QStringLiteral("n.txt"), QByteArray("a\n"), std::nullopt);
        QVERIFY(deleted.ok());
        QCOMPARE(deleted->status, FileDiff::Status::Deleted);
        QCOMPARE(deleted->deletions(), 1);
        auto binary = GitDiff::diffFile(QStringLiteral("b.bin"), QByteArray("a\0b", 3),
                                        QByteArray("a\0c", 3));
        QVERIFY(binary.ok());
        QVERIFY(binary->binary);
        QVERIFY(binary->hunks.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestGitDiff)
#include "tst_gitdiff.moc"
