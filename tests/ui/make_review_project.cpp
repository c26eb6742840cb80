// Writes a small project with two pending review runs for screenshots and
// manual trials of the Review area: run-1 was reviewed (one hunk refused),
// run-2 proposes that hunk again beside new edits and a wiki page.
// Usage: make_review_project <empty dir>
#include "review/runreview.h"
#include "reviewfixture.h"

#include <QCoreApplication>

#include <cstdio>

using namespace ktx;
using ktx::test::ReviewFixture;

namespace {

const QByteArray OrdersBase
    = "name: orders\n"
      "table: public.orders\n"
      "description: Number of rows in orders.\n"
      "grain: [order_id]\n"
      "columns:\n"
      "  - name: order_id\n    type: number\n"
      "  - name: customer_id\n    type: number\n"
      "  - name: status\n    type: string\n"
      "  - name: amount\n    type: number\n"
      "  - name: placed_at\n    type: time\n"
      "measures:\n"
      "  - name: order_count\n    expr: count(*)\n"
      "  - name: revenue\n    expr: sum(amount)\n"
      "segments:\n"
      "  - name: paid\n    expr: status in ('paid', 'shipped', 'delivered')\n"
      "  - name: open\n    expr: status = 'placed'\n"
      "joins:\n"
      "  - to: customers\n    on: orders.customer_id = customers.customer_id\n"
      "    relationship: many_to_many\n";

QByteArray ordersRun1()
{
    QByteArray t = OrdersBase;
    t.replace("    relationship: many_to_many\n", "    relationship: one_to_one\n");
    return t;
}

QByteArray ordersRun2()
{
    QByteArray t = OrdersBase;
    t.replace("description: Number of rows in orders.\n",
              "description: Orders placed on the web shop, one row per order.\n");
    t.replace("    relationship: many_to_many\n", "    relationship: one_to_one\n");
    t.replace("    expr: sum(amount)\n",
              "    expr: sum(amount) - sum(refund_amount)\n"
              "  - name: average_order_value\n    expr: sum(amount) / count(*)\n");
    return t;
}

const QByteArray Wiki = "---\nsummary: How an order moves from placed to delivered.\n"
                        "sl_refs:\n  - orders\n---\n\n# Order lifecycle\n\n"
                        "An order is **placed** on the web shop, then *paid*, shipped and "
                        "delivered.\n\n## Statuses\n\n- `placed`: the customer checked out\n"
                        "- `paid`: the payment cleared\n- `shipped`, `delivered`\n\n"
                        "Refunds are booked in `refund_amount`; see the `revenue` measure.\n";

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    if (argc != 2) {
        std::fprintf(stderr, "usage: make_review_project <empty dir>\n");
        return 2;
    }
    const QString orders = QStringLiteral("semantic-layer/warehouse/orders.yaml");
    const QString raw = QStringLiteral("raw-sources/warehouse/2026-11-20/orders.sql");
    ReviewFixture fixture;
    if (!fixture.createProject(QString::fromLocal8Bit(argv[1]),
                               {{orders, OrdersBase},
                                {raw,
                                 "-- orders, sampled 2026-11-20\nselect status, count(*)\n"
                                 "from public.orders\ngroup by status;\n"}})) {
        std::fprintf(stderr, "%s\n", qPrintable(fixture.error));
        return 1;
    }
    GitRepository::FileChanges first;
    first.insert(orders, ordersRun1());
    if (!fixture.addRun(QStringLiteral("20261119-0815-a1b2"), first,
                        raw + QStringLiteral(":2-4"))) {
        std::fprintf(stderr, "%s\n", qPrintable(fixture.error));
        return 1;
    }
    auto review = RunReview::load(fixture.dir, fixture.runId);
    if (!review.ok() || !review->decide({{}, -1, false}).ok()
        || !review->apply({QStringLiteral("Test"), QStringLiteral("t@example.com")}).ok()) {
        std::fprintf(stderr, "could not review the first run\n");
        return 1;
    }
    GitRepository::FileChanges second;
    second.insert(orders, ordersRun2());
    second.insert(QStringLiteral("wiki/global/order-lifecycle.md"), Wiki);
    if (!fixture.addRun(QStringLiteral("20261120-0930-c3d4"), second,
                        raw + QStringLiteral(":2-4"))) {
        std::fprintf(stderr, "%s\n", qPrintable(fixture.error));
        return 1;
    }
    std::printf("%s\n", qPrintable(fixture.dir));
    return 0;
}
