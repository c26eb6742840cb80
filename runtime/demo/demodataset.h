#pragma once

#include <QByteArray>
#include <QtGlobal>

#include <optional>
#include <vector>

namespace ktx {

// The rows of the demo warehouse, generated in memory from a seed: a small specialty
// coffee roaster ("Ridgeline Coffee Co.") that sells beans, equipment and tea online
// and runs coffee subscriptions, 2024-01-01 .. 2025-12-31. DemoWarehouse writes these
// rows to SQLite; the schema, the declared and implicit keys and the traps are
// described in runtime/demo/README.md.
//
// Units: a Day counts days since 2024-01-01 (day 0); a Moment counts seconds since
// 2024-01-01 00:00:00 (no time zone); money is integer cents. Text is UTF-8.
class DemoDataSet
{
public:
    using Day = int;
    using Moment = qint64;

    static constexpr Day kDayCount = 731; // 2024 is a leap year
    static constexpr Moment kLastMoment = Moment(kDayCount) * 86400 - 1;

    struct Region
    {
        qint64 id;
        QByteArray name;
        QByteArray countryCode;
        QByteArray salesTerritory;
    };
    struct Customer
    {
        qint64 id;
        QByteArray firstName;
        QByteArray lastName;
        QByteArray email;
        qint64 regionId;
        Moment signedUpAt;
        QByteArray acquisitionChannel;
        std::optional<qint64> referredByCustomerId;
        QByteArray customerType;
        bool marketingOptIn;
    };
    struct ProductCategory
    {
        qint64 id;
        QByteArray name;
        std::optional<qint64> parentCategoryId;
    };
    struct Product
    {
        qint64 id;
        QByteArray sku;
        QByteArray name;
        qint64 categoryId;
        qint64 unitPriceCents; // current (2025) list price
        qint64 unitCostCents;
        Day launchedOn;
        std::optional<Day> discontinuedOn;
    };
    struct Order
    {
        qint64 id;
        qint64 customerId;
        Moment orderedAt;
        QByteArray status;
        QByteArray salesChannel;
        std::optional<QByteArray> couponCode;
        qint64 shippingFeeCents;
        std::optional<Moment> cancelledAt;
    };
    struct OrderItem
    {
        qint64 id;
        qint64 orderId;
        qint64 productId;
        qint64 quantity;
        qint64 unitPriceCents; // the price paid, which may differ from today's list price
        qint64 discountCents; // for the whole line
    };
    struct Payment
    {
        qint64 id;
        qint64 orderId;
        Moment paidAt;
        QByteArray paymentMethod;
        qint64 installmentNumber;
        qint64 amountCents;
        QByteArray status;
    };
    struct Refund
    {
        qint64 id;
        qint64 paymentId;
        Moment refundedAt;
        qint64 amountCents;
        QByteArray reason;
    };
    struct Plan
    {
        QByteArray code;
        QByteArray name;
        QByteArray billingInterval;
        qint64 priceCents; // per billing interval
        qint64 bagsPerMonth;
        Day launchedOn;
    };
    struct Subscription
    {
        qint64 id;
        qint64 customerId;
        QByteArray planCode;
        QByteArray status;
        Day startedOn;
        std::optional<Day> cancelledOn;
        std::optional<QByteArray> cancelReason;
        qint64 mrrCents;
    };
    struct MarketingCampaign
    {
        qint64 id;
        QByteArray name;
        QByteArray channel;
        Day startedOn;
        Day endedOn;
        qint64 budgetCents;
    };
    struct MarketingEvent
    {
        qint64 id;
        qint64 campaignId;
        std::optional<qint64> customerId; // empty for anonymous visitors
        std::optional<qint64> orderId; // set for purchase events only
        QByteArray eventType;
        Moment occurredAt;
        QByteArray device;
    };
    struct SupportTicket
    {
        qint64 id;
        qint64 customerId;
        std::optional<qint64> orderId;
        Moment openedAt;
        std::optional<Moment> closedAt;
        QByteArray category;
        QByteArray priority;
        QByteArray status;
        QByteArray channel;
        std::optional<qint64> satisfactionScore;
    };
    struct Shipment
    {
        qint64 id;
        qint64 orderId;
        QByteArray carrier;
        QByteArray trackingNumber;
        Moment shippedAt;
        std::optional<Moment> deliveredAt;
        QByteArray status;
    };

    std::vector<Region> regions;
    std::vector<Customer> customers;
    std::vector<ProductCategory> productCategories;
    std::vector<Product> products;
    std::vector<Order> orders;
    std::vector<OrderItem> orderItems;
    std::vector<Payment> payments;
    std::vector<Refund> refunds;
    std::vector<Plan> plans;
    std::vector<Subscription> subscriptions;
    std::vector<MarketingCampaign> marketingCampaigns;
    std::vector<MarketingEvent> marketingEvents;
    std::vector<SupportTicket> supportTickets;
    std::vector<Shipment> shipments;

    // Same seed, same rows, on every platform and standard library.
    static DemoDataSet build(quint64 seed);

    // 'YYYY-MM-DD' and 'YYYY-MM-DD HH:MM:SS'.
    static QByteArray dateText(Day day);
    static QByteArray momentText(Moment moment);
};

} // namespace ktx
