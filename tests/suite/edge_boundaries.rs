//! The edges of the network, CloudTrail and S3 lifecycle/logging verdicts, through every path
//! that judges them: resources made by direct SDK calls in one account and judged by one audit
//! run, library resources changed behind the library's back and judged by one verify, and
//! specs refused at `build()`.
//!
//! Disguised forms covered: public blocks that are not `0.0.0.0/0` (a /32, CGNAT), the two
//! halves of the address space, prefix lists with a public entry (customer- and AWS-managed),
//! split routes to an internet gateway, ACL allows from the halves; trails whose selectors
//! narrow (advanced selectors with negated operators and narrowing fields, excluded
//! management sources, read-only selectors); lifecycle rules that expire on a date, below the
//! floor by one day, or under a prefix filter; access-log prefixes under `AWSLogs/`, with a
//! wildcard or empty.
//!
//! What the local endpoint cannot represent: moto keeps advanced event selectors as given and
//! returns them, but evaluates none, so the trail cases prove only the reading and judging of
//! selectors (the pure `selector_coverage` cases in `constructs::cloudtrail` cover every
//! operator). The builders cannot express a narrowed trail selector, a lifecycle date or a
//! filtered lifecycle rule at all (no setter exists), so those classes have no `build()` case.

use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, DataResource, EventSelector, ReadWriteType,
};
use aws_sdk_ec2::types::{
    AddPrefixListEntry, Filter, IpPermission, IpRange, PrefixListId, RuleAction,
};
use aws_sdk_s3::primitives::DateTime;
use aws_sdk_s3::types::{
    BucketLifecycleConfiguration, BucketLoggingStatus, ExpirationStatus, LifecycleExpiration,
    LifecycleRule, LifecycleRuleFilter, LoggingEnabled, NoncurrentVersionExpiration,
};
use hipaa_aws::audit::{Audit, AuditReport};
use hipaa_aws::construct::LogicalId;
use hipaa_aws::prelude::*;
use hipaa_aws::VerifyReport;

use crate::support::findings::{expect_finding, findings};
use crate::support::refusals::refused_controls;
use crate::support::{account, TestAccount, REGION};

fn ec2(account: &TestAccount) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&account.sdk_config)
}

fn filter(name: &str, value: &str) -> Filter {
    Filter::builder().name(name).values(value).build()
}

fn ec2_arn(account: &TestAccount, kind: &str, id: &str) -> String {
    format!(
        "arn:aws:ec2:{REGION}:{}:{kind}/{id}",
        account.env.account_id()
    )
}

async fn audit(env: &Environment) -> AuditReport {
    Audit::builder()
        .regions([REGION])
        .build()
        .expect("audit options")
        .run(env)
        .await
        .expect("audit")
}

// ------------------------------------------------------------------------------ networks

async fn vpc(ec2: &aws_sdk_ec2::Client, cidr: &str) -> String {
    ec2.create_vpc()
        .cidr_block(cidr)
        .send()
        .await
        .expect("vpc")
        .vpc
        .and_then(|v| v.vpc_id)
        .expect("vpc id")
}

async fn group(
    ec2: &aws_sdk_ec2::Client,
    vpc: &str,
    name: &str,
    ingress: Vec<IpPermission>,
) -> String {
    let id = ec2
        .create_security_group()
        .vpc_id(vpc)
        .group_name(name)
        .description(name)
        .send()
        .await
        .expect("security group")
        .group_id
        .expect("group id");
    ec2.authorize_security_group_ingress()
        .group_id(&id)
        .set_ip_permissions(Some(ingress))
        .send()
        .await
        .expect("ingress");
    id
}

fn tcp(port: i32, cidrs: &[&str]) -> IpPermission {
    let mut permission = IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port);
    for cidr in cidrs {
        permission = permission.ip_ranges(IpRange::builder().cidr_ip(*cidr).build());
    }
    permission.build()
}

fn tcp_from_list(port: i32, list: &str) -> IpPermission {
    IpPermission::builder()
        .ip_protocol("tcp")
        .from_port(port)
        .to_port(port)
        .prefix_list_ids(PrefixListId::builder().prefix_list_id(list).build())
        .build()
}

async fn prefix_list(ec2: &aws_sdk_ec2::Client, name: &str, cidrs: &[&str]) -> String {
    let mut request = ec2
        .create_managed_prefix_list()
        .prefix_list_name(name)
        .address_family("IPv4")
        .max_entries(10);
    for cidr in cidrs {
        request = request.entries(AddPrefixListEntry::builder().cidr(*cidr).build());
    }
    request
        .send()
        .await
        .expect("prefix list")
        .prefix_list
        .and_then(|list| list.prefix_list_id)
        .expect("prefix list id")
}

/// The S3 prefix list AWS manages in the region.
async fn s3_prefix_list(ec2: &aws_sdk_ec2::Client) -> String {
    ec2.describe_managed_prefix_lists()
        .filters(filter(
            "prefix-list-name",
            &format!("com.amazonaws.{REGION}.s3"),
        ))
        .send()
        .await
        .expect("managed prefix lists")
        .prefix_lists()
        .iter()
        .find_map(|list| list.prefix_list_id().map(str::to_string))
        .expect("the S3 prefix list")
}

async fn route_table(
    ec2: &aws_sdk_ec2::Client,
    vpc: &str,
    igw: &str,
    destinations: &[&str],
) -> String {
    let table = ec2
        .create_route_table()
        .vpc_id(vpc)
        .send()
        .await
        .expect("route table")
        .route_table
        .and_then(|t| t.route_table_id)
        .expect("route table id");
    for destination in destinations {
        ec2.create_route()
            .route_table_id(&table)
            .destination_cidr_block(*destination)
            .gateway_id(igw)
            .send()
            .await
            .expect("route");
    }
    table
}

async fn acl(ec2: &aws_sdk_ec2::Client, vpc: &str, entries: &[(i32, RuleAction, &str)]) -> String {
    let id = ec2
        .create_network_acl()
        .vpc_id(vpc)
        .send()
        .await
        .expect("acl")
        .network_acl
        .and_then(|a| a.network_acl_id)
        .expect("acl id");
    for (number, action, cidr) in entries {
        ec2.create_network_acl_entry()
            .network_acl_id(&id)
            .rule_number(*number)
            .protocol("-1")
            .rule_action(action.clone())
            .egress(false)
            .cidr_block(*cidr)
            .send()
            .await
            .expect("acl entry");
    }
    id
}

struct NetworkCases {
    halves: String,
    public_postgres: String,
    internal_postgres: String,
    listed_public: String,
    listed_private: String,
    listed_by_aws: String,
    cgnat_rdp: String,
    split_default_route: String,
    host_route: String,
    local_only: String,
    allow_halves: String,
    split_deny: String,
}

async fn network_cases(account: &TestAccount) -> NetworkCases {
    let ec2 = ec2(account);
    let inside = vpc(&ec2, "10.50.0.0/16").await;
    let public_list = prefix_list(&ec2, "partners", &["10.50.1.0/24", "203.0.113.7/32"]).await;
    let private_list = prefix_list(&ec2, "offices", &["10.50.2.0/24"]).await;
    let s3_list = s3_prefix_list(&ec2).await;
    let halves = group(
        &ec2,
        &inside,
        "halves",
        vec![tcp(22, &["0.0.0.0/1", "128.0.0.0/1"])],
    )
    .await;
    let public_postgres = group(&ec2, &inside, "pg-public", vec![tcp(5432, &["1.2.3.4/32"])]).await;
    let internal_postgres = group(
        &ec2,
        &inside,
        "pg-internal",
        vec![tcp(5432, &["10.50.0.0/16"])],
    )
    .await;
    let listed_public = group(
        &ec2,
        &inside,
        "pl-public",
        vec![tcp_from_list(22, &public_list)],
    )
    .await;
    let listed_private = group(
        &ec2,
        &inside,
        "pl-private",
        vec![tcp_from_list(22, &private_list)],
    )
    .await;
    let listed_by_aws = group(&ec2, &inside, "pl-aws", vec![tcp_from_list(5432, &s3_list)]).await;
    let cgnat_rdp = group(&ec2, &inside, "cgnat", vec![tcp(3389, &["100.64.0.0/10"])]).await;

    // Routes and ACLs in a VPC with an internet gateway.
    let outside = vpc(&ec2, "10.51.0.0/16").await;
    let igw = ec2
        .create_internet_gateway()
        .send()
        .await
        .expect("igw")
        .internet_gateway
        .and_then(|g| g.internet_gateway_id)
        .expect("igw id");
    ec2.attach_internet_gateway()
        .internet_gateway_id(&igw)
        .vpc_id(&outside)
        .send()
        .await
        .expect("attach igw");
    let split_default_route =
        route_table(&ec2, &outside, &igw, &["0.0.0.0/1", "128.0.0.0/1"]).await;
    let host_route = route_table(&ec2, &outside, &igw, &["8.8.8.8/32"]).await;
    let local_only = route_table(&ec2, &outside, &igw, &[]).await;
    let allow_halves = acl(
        &ec2,
        &outside,
        &[
            (100, RuleAction::Allow, "0.0.0.0/1"),
            (110, RuleAction::Allow, "128.0.0.0/1"),
        ],
    )
    .await;
    let split_deny = acl(
        &ec2,
        &outside,
        &[
            (10, RuleAction::Deny, "0.0.0.0/1"),
            (20, RuleAction::Deny, "128.0.0.0/1"),
            (100, RuleAction::Allow, "0.0.0.0/0"),
        ],
    )
    .await;
    NetworkCases {
        halves,
        public_postgres,
        internal_postgres,
        listed_public,
        listed_private,
        listed_by_aws,
        cgnat_rdp,
        split_default_route,
        host_route,
        local_only,
        allow_halves,
        split_deny,
    }
}

fn judge_network(account: &TestAccount, report: &AuditReport, cases: &NetworkCases) {
    use ControlId as C;
    use Status::{Fail, Pass};
    let sg = |id: &str| ec2_arn(account, "security-group", id);

    // The two halves of the address space on SSH: open to everyone.
    let reason = expect_finding(report, C::IncomingSshDisabled, &sg(&cases.halves), Fail);
    assert!(reason.contains("every IPv4 address"), "{reason}");
    expect_finding(
        report,
        C::VpcSgOpenOnlyToAuthorizedPorts,
        &sg(&cases.halves),
        Fail,
    );
    expect_finding(
        report,
        C::SgAdminAndDatabasePortsInternal,
        &sg(&cases.halves),
        Fail,
    );

    // One public address on PostgreSQL, against the VPC's own block.
    expect_finding(
        report,
        C::SgAdminAndDatabasePortsInternal,
        &sg(&cases.public_postgres),
        Fail,
    );
    expect_finding(
        report,
        C::VpcSgOpenOnlyToAuthorizedPorts,
        &sg(&cases.public_postgres),
        Fail,
    );
    expect_finding(
        report,
        C::IncomingSshDisabled,
        &sg(&cases.public_postgres),
        Pass,
    );
    for control in [
        C::SgAdminAndDatabasePortsInternal,
        C::VpcSgOpenOnlyToAuthorizedPorts,
        C::IncomingSshDisabled,
        C::RestrictedIncomingTraffic,
    ] {
        expect_finding(report, control, &sg(&cases.internal_postgres), Pass);
    }

    // Prefix lists, judged by their entries.
    let reason = expect_finding(
        report,
        C::IncomingSshDisabled,
        &sg(&cases.listed_public),
        Fail,
    );
    assert!(reason.contains("203.0.113.7/32"), "{reason}");
    expect_finding(
        report,
        C::IncomingSshDisabled,
        &sg(&cases.listed_private),
        Pass,
    );
    expect_finding(
        report,
        C::SgAdminAndDatabasePortsInternal,
        &sg(&cases.listed_private),
        Pass,
    );
    let reason = expect_finding(
        report,
        C::SgAdminAndDatabasePortsInternal,
        &sg(&cases.listed_by_aws),
        Fail,
    );
    assert!(reason.contains("AWS-managed"), "{reason}");

    // Carrier-grade NAT is not a private network.
    expect_finding(
        report,
        C::RestrictedIncomingTraffic,
        &sg(&cases.cgnat_rdp),
        Fail,
    );

    // Routes to the internet gateway: split default route, one host, none.
    let reason = expect_finding(
        report,
        C::NoUnrestrictedRouteToIgw,
        &ec2_arn(account, "route-table", &cases.split_default_route),
        Fail,
    );
    assert!(reason.contains("together a default route"), "{reason}");
    expect_finding(
        report,
        C::NoUnrestrictedRouteToIgw,
        &ec2_arn(account, "route-table", &cases.host_route),
        Fail,
    );
    expect_finding(
        report,
        C::NoUnrestrictedRouteToIgw,
        &ec2_arn(account, "route-table", &cases.local_only),
        Pass,
    );

    // ACLs: allows from the halves are the internet; halves denied first shadow an allow-all.
    let reason = expect_finding(
        report,
        C::NaclNoUnrestrictedIngress,
        &ec2_arn(account, "network-acl", &cases.allow_halves),
        Fail,
    );
    assert!(reason.contains("together"), "{reason}");
    expect_finding(
        report,
        C::NaclNoUnrestrictedIngress,
        &ec2_arn(account, "network-acl", &cases.split_deny),
        Pass,
    );
}

// ------------------------------------------------------------------------------ CloudTrail

fn field(name: &str) -> aws_sdk_cloudtrail::types::builders::AdvancedFieldSelectorBuilder {
    AdvancedFieldSelector::builder().field(name)
}

fn selector(name: &str, fields: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
    AdvancedEventSelector::builder()
        .name(name)
        .set_field_selectors(Some(fields))
        .build()
        .expect("selector")
}

fn management(extra: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
    let mut fields = vec![field("eventCategory")
        .equals("Management")
        .build()
        .expect("field")];
    fields.extend(extra);
    selector("management", fields)
}

fn s3_objects(extra: Vec<AdvancedFieldSelector>) -> AdvancedEventSelector {
    let mut fields = vec![
        field("eventCategory")
            .equals("Data")
            .build()
            .expect("field"),
        field("resources.type")
            .equals("AWS::S3::Object")
            .build()
            .expect("field"),
    ];
    fields.extend(extra);
    selector("s3", fields)
}

enum Selectors {
    Basic(EventSelector),
    Advanced(Vec<AdvancedEventSelector>),
}

async fn trail(account: &TestAccount, bucket: &str, name: &str, selectors: Selectors) -> String {
    let cloudtrail = account.env.cloudtrail();
    let arn = cloudtrail
        .create_trail()
        .name(name)
        .s3_bucket_name(bucket)
        .is_multi_region_trail(true)
        .include_global_service_events(true)
        .send()
        .await
        .expect("trail")
        .trail_arn
        .expect("trail arn");
    let request = cloudtrail.put_event_selectors().trail_name(name);
    let request = match selectors {
        Selectors::Basic(selector) => request.event_selectors(selector),
        Selectors::Advanced(selectors) => request.set_advanced_event_selectors(Some(selectors)),
    };
    request.send().await.expect("event selectors");
    cloudtrail
        .start_logging()
        .name(name)
        .send()
        .await
        .expect("start logging");
    arn
}

struct TrailCases {
    narrow_buckets: String,
    excluded_kms: String,
    negated: String,
    read_only: String,
}

async fn trail_cases(account: &TestAccount) -> TrailCases {
    let bucket = account.bucket("edge-trails");
    account
        .s3()
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("trail bucket");
    // Every management event, and the data events of buckets named acme* only.
    let narrow_buckets = trail(
        account,
        &bucket,
        "narrow-buckets",
        Selectors::Advanced(vec![
            management(Vec::new()),
            s3_objects(vec![field("resources.ARN")
                .starts_with("arn:aws:s3:::acme")
                .build()
                .expect("field")]),
        ]),
    )
    .await;
    // Basic: every management event but KMS's (and no data events: the exclusion narrows
    // management events only, so data events of every bucket here would be a pass).
    let excluded_kms = trail(
        account,
        &bucket,
        "excluded-kms",
        Selectors::Basic(
            EventSelector::builder()
                .read_write_type(ReadWriteType::All)
                .include_management_events(true)
                .exclude_management_event_sources("kms.amazonaws.com")
                .build(),
        ),
    )
    .await;
    // Advanced: negated operators on both kinds of event.
    let negated = trail(
        account,
        &bucket,
        "negated",
        Selectors::Advanced(vec![
            management(vec![field("eventSource")
                .not_equals("kms.amazonaws.com")
                .build()
                .expect("field")]),
            s3_objects(vec![field("resources.ARN")
                .not_starts_with("arn:aws:s3:::acme-private/")
                .build()
                .expect("field")]),
        ]),
    )
    .await;
    // Basic, read-only, every bucket.
    let read_only = trail(
        account,
        &bucket,
        "read-only",
        Selectors::Basic(
            EventSelector::builder()
                .read_write_type(ReadWriteType::ReadOnly)
                .include_management_events(true)
                .data_resources(
                    DataResource::builder()
                        .r#type("AWS::S3::Object")
                        .values("arn:aws:s3")
                        .build(),
                )
                .build(),
        ),
    )
    .await;
    TrailCases {
        narrow_buckets,
        excluded_kms,
        negated,
        read_only,
    }
}

fn judge_trails(account: &TestAccount, report: &AuditReport, cases: &TrailCases) {
    use ControlId as C;
    use Status::{Fail, Pass};
    expect_finding(
        report,
        C::CloudTrailManagementEvents,
        &cases.narrow_buckets,
        Pass,
    );
    let reason = expect_finding(
        report,
        C::CloudTrailManagementEvents,
        &cases.excluded_kms,
        Fail,
    );
    assert!(reason.contains("kms.amazonaws.com"), "{reason}");
    let reason = expect_finding(report, C::CloudTrailManagementEvents, &cases.negated, Fail);
    assert!(reason.contains("NotEquals"), "{reason}");
    expect_finding(
        report,
        C::CloudTrailManagementEvents,
        &cases.read_only,
        Fail,
    );
    // Four logging multi-region trails, and none records read and write data events of every
    // bucket without narrowing.
    let account_arn = format!("arn:aws:::{}", account.env.account_id());
    expect_finding(report, C::CloudTrailS3DataEventsEnabled, &account_arn, Fail);
    expect_finding(report, C::MultiRegionCloudTrailEnabled, &account_arn, Pass);
}

// ------------------------------------------------------------------------------ S3

/// A policy that lets S3 server access logs be delivered: the bucket holds audit logs.
fn log_delivery_policy(bucket: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"S3ServerAccessLogs","Effect":"Allow","Principal":{{"Service":"logging.s3.amazonaws.com"}},"Action":"s3:PutObject","Resource":"arn:aws:s3:::{bucket}/*"}}]}}"#
    )
}

fn expiring(id: &str) -> aws_sdk_s3::types::builders::LifecycleRuleBuilder {
    LifecycleRule::builder()
        .id(id)
        .status(ExpirationStatus::Enabled)
        .filter(LifecycleRuleFilter::builder().prefix("").build())
}

async fn log_bucket(account: &TestAccount, stem: &str, rules: Vec<LifecycleRule>) -> String {
    let s3 = account.s3();
    let name = account.bucket(stem);
    s3.create_bucket()
        .bucket(&name)
        .send()
        .await
        .expect("bucket");
    s3.put_bucket_policy()
        .bucket(&name)
        .policy(log_delivery_policy(&name))
        .send()
        .await
        .expect("policy");
    if !rules.is_empty() {
        s3.put_bucket_lifecycle_configuration()
            .bucket(&name)
            .lifecycle_configuration(
                BucketLifecycleConfiguration::builder()
                    .set_rules(Some(rules))
                    .build()
                    .expect("lifecycle"),
            )
            .send()
            .await
            .expect("lifecycle");
    }
    name
}

async fn logging_to(account: &TestAccount, stem: &str, target: &str, prefix: &str) -> String {
    let s3 = account.s3();
    let name = account.bucket(stem);
    s3.create_bucket()
        .bucket(&name)
        .send()
        .await
        .expect("bucket");
    s3.put_bucket_logging()
        .bucket(&name)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket(target)
                        .target_prefix(prefix)
                        .build()
                        .expect("logging"),
                )
                .build(),
        )
        .send()
        .await
        .expect("logging");
    name
}

/// Midnight UTC, `days` from now.
fn midnight_in(days: i64) -> DateTime {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs();
    let today = i64::try_from(now).expect("fits") / 86_400 * 86_400;
    DateTime::from_secs(today + days * 86_400)
}

struct BucketCases {
    dated: String,
    one_day_short: String,
    at_the_floor: String,
    filtered: String,
    not_logs: String,
    under_awslogs: String,
    wildcard: String,
    access: String,
}

async fn bucket_cases(account: &TestAccount) -> BucketCases {
    // Expires on a date more than six years away: still deletes younger logs.
    let dated = log_bucket(
        account,
        "edge-dated",
        vec![expiring("dated")
            .expiration(
                LifecycleExpiration::builder()
                    .date(midnight_in(2200))
                    .build(),
            )
            .build()
            .expect("rule")],
    )
    .await;
    let one_day_short = log_bucket(
        account,
        "edge-2191",
        vec![expiring("short")
            .expiration(LifecycleExpiration::builder().days(2192).build())
            .noncurrent_version_expiration(
                NoncurrentVersionExpiration::builder()
                    .noncurrent_days(2191)
                    .build(),
            )
            .build()
            .expect("rule")],
    )
    .await;
    let at_the_floor = log_bucket(
        account,
        "edge-2192",
        vec![
            expiring("floor")
                .expiration(LifecycleExpiration::builder().days(2192).build())
                .noncurrent_version_expiration(
                    NoncurrentVersionExpiration::builder()
                        .noncurrent_days(2192)
                        .build(),
                )
                .build()
                .expect("rule"),
            LifecycleRule::builder()
                .id("disabled")
                .status(ExpirationStatus::Disabled)
                .filter(LifecycleRuleFilter::builder().prefix("").build())
                .expiration(LifecycleExpiration::builder().days(1).build())
                .build()
                .expect("rule"),
        ],
    )
    .await;
    let filtered = log_bucket(
        account,
        "edge-filtered",
        vec![LifecycleRule::builder()
            .id("flow-logs")
            .status(ExpirationStatus::Enabled)
            .filter(LifecycleRuleFilter::builder().prefix("AWSLogs/").build())
            .expiration(LifecycleExpiration::builder().days(30).build())
            .build()
            .expect("rule")],
    )
    .await;
    // No log-delivery grant: not a log bucket, so no retention floor applies.
    let not_logs = account.bucket("edge-scratch");
    let s3 = account.s3();
    s3.create_bucket()
        .bucket(&not_logs)
        .send()
        .await
        .expect("bucket");
    s3.put_bucket_lifecycle_configuration()
        .bucket(&not_logs)
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(
                    expiring("scratch")
                        .expiration(LifecycleExpiration::builder().days(1).build())
                        .build()
                        .expect("rule"),
                )
                .build()
                .expect("lifecycle"),
        )
        .send()
        .await
        .expect("lifecycle");
    let under_awslogs = logging_to(account, "edge-awslogs", &at_the_floor, "AWSLogs/").await;
    let wildcard = logging_to(account, "edge-wildcard", &at_the_floor, "logs*/").await;
    let access = logging_to(account, "edge-access", &at_the_floor, "access/").await;
    BucketCases {
        dated,
        one_day_short,
        at_the_floor,
        filtered,
        not_logs,
        under_awslogs,
        wildcard,
        access,
    }
}

fn judge_buckets(report: &AuditReport, cases: &BucketCases) {
    use ControlId as C;
    use Status::{Fail, Pass};
    let arn = |name: &str| format!("arn:aws:s3:::{name}");
    let reason = expect_finding(report, C::LogRetentionSixYears, &arn(&cases.dated), Fail);
    assert!(reason.contains("Expiration.Date"), "{reason}");
    let reason = expect_finding(
        report,
        C::LogRetentionSixYears,
        &arn(&cases.one_day_short),
        Fail,
    );
    assert!(reason.contains("2191"), "{reason}");
    expect_finding(
        report,
        C::LogRetentionSixYears,
        &arn(&cases.at_the_floor),
        Pass,
    );
    let reason = expect_finding(report, C::LogRetentionSixYears, &arn(&cases.filtered), Fail);
    assert!(reason.contains("prefix AWSLogs/"), "{reason}");
    assert!(
        findings(report, C::LogRetentionSixYears, &arn(&cases.not_logs)).is_empty(),
        "a bucket no log service writes to has no retention floor"
    );
    let reason = expect_finding(
        report,
        C::S3BucketLoggingEnabled,
        &arn(&cases.under_awslogs),
        Fail,
    );
    assert!(reason.contains("AWSLogs/"), "{reason}");
    expect_finding(
        report,
        C::S3BucketLoggingEnabled,
        &arn(&cases.wildcard),
        Fail,
    );
    expect_finding(report, C::S3BucketLoggingEnabled, &arn(&cases.access), Pass);
}

/// Every disguised form, made by hand in one account and judged by one audit.
#[tokio::test]
async fn edge_audit_judges_disguised_networks_trails_lifecycles_and_log_prefixes() {
    let account = account().await;
    let (network, trails, buckets) = tokio::join!(
        network_cases(&account),
        trail_cases(&account),
        bucket_cases(&account)
    );
    let report = audit(&account.env).await;
    judge_network(&account, &report, &network);
    judge_trails(&account, &report, &trails);
    judge_buckets(&report, &buckets);
}

// ------------------------------------------------------------------------------ verify

fn failed(report: &VerifyReport, id: &LogicalId) -> Vec<(ControlId, String)> {
    report
        .resource(id)
        .unwrap_or_else(|| panic!("{id} in the report:\n{report}"))
        .checks
        .iter()
        .filter(|check| check.status == Status::Fail)
        .map(|check| (check.control, check.reason.clone()))
        .collect()
}

fn has_failed(found: &[(ControlId, String)], control: ControlId, words: &str) -> bool {
    found
        .iter()
        .any(|(failed, reason)| *failed == control && reason.contains(words))
}

/// A VPC, one security group, a log bucket, a PHI bucket and a trail, applied, then changed
/// by hand in the disguised forms, and judged by one verify.
#[tokio::test]
async fn edge_verify_reports_disguised_changes_made_behind_the_library() {
    let account = account().await;
    let env = &account.env;
    let key = HipaaKey::builder()
        .alias(format!("edge-{}", account.suffix))
        .build()
        .expect("key");
    let logs = LogBucket::builder()
        .name(account.bucket("edge-logs"))
        .key(&key)
        .build()
        .expect("log bucket");
    let data = EncryptedBucket::builder()
        .name(account.bucket("edge-phi"))
        .key(&key)
        .access_logs(&logs)
        .build()
        .expect("data bucket");
    let group = EncryptedLogGroup::builder()
        .name(format!("/edge/{}/trail", account.suffix))
        .key(&key)
        .build()
        .expect("log group");
    let trail = AuditTrail::builder()
        .name(format!("edge-{}", account.suffix))
        .bucket(&logs)
        .key(&key)
        .log_group(&group)
        .build()
        .expect("trail");
    let vpc = HipaaVpc::builder()
        .name("edge")
        .cidr("10.60.0.0/16")
        .azs(2)
        .flow_logs_to(&logs)
        .build()
        .expect("vpc");
    let app = vpc.security_group("app").expect("group");
    let app_rules = SecurityGroupRules::builder()
        .group(&app)
        .ingress([Rule::tcp(8443, Peer::cidr("10.60.0.0/16"))])
        .build()
        .expect("rules");
    let ids = (
        app.reference().id().clone(),
        logs.reference().id().clone(),
        data.reference().id().clone(),
        trail.reference().id().clone(),
    );
    let (logs_name, data_name, trail_name) = (
        logs.name().to_string(),
        data.name().to_string(),
        trail.name().to_string(),
    );
    let stack = Stack::builder("edges")
        .with(app_rules)
        .with(app)
        .with(vpc)
        .with(trail)
        .with(group)
        .with(data)
        .with(logs)
        .with(key)
        .build()
        .expect("stack");
    stack.apply(env).await.expect("apply");
    let before = stack.verify(env).await.expect("verify");
    assert!(before.passed(), "{before}");

    // The group: SSH from both halves, PostgreSQL from a prefix list with a public entry.
    let ec2 = ec2(&account);
    let group_id = ec2
        .describe_security_groups()
        .filters(filter("group-name", "app"))
        .filters(filter("tag:hipaa-aws:stack", "edges"))
        .send()
        .await
        .expect("groups")
        .security_groups()
        .iter()
        .find_map(|group| group.group_id().map(str::to_string))
        .expect("the app group");
    let list = prefix_list(&ec2, "vendor", &["10.60.9.0/24", "198.51.100.10/32"]).await;
    ec2.authorize_security_group_ingress()
        .group_id(&group_id)
        .ip_permissions(tcp(22, &["0.0.0.0/1", "128.0.0.0/1"]))
        .ip_permissions(tcp_from_list(5432, &list))
        .send()
        .await
        .expect("tampered ingress");

    // The trail: narrowed advanced selectors.
    env.cloudtrail()
        .put_event_selectors()
        .trail_name(&trail_name)
        .advanced_event_selectors(management(vec![field("eventSource")
            .not_equals("kms.amazonaws.com")
            .build()
            .expect("field")]))
        .advanced_event_selectors(s3_objects(vec![field("eventName")
            .equals("GetObject")
            .build()
            .expect("field")]))
        .send()
        .await
        .expect("narrowed selectors");

    // The log bucket expires on a date; the PHI bucket logs under AWSLogs/.
    let s3 = account.s3();
    s3.put_bucket_lifecycle_configuration()
        .bucket(&logs_name)
        .lifecycle_configuration(
            BucketLifecycleConfiguration::builder()
                .rules(
                    expiring("hipaa-aws-log-retention")
                        .expiration(
                            LifecycleExpiration::builder()
                                .date(midnight_in(3000))
                                .build(),
                        )
                        .build()
                        .expect("rule"),
                )
                .build()
                .expect("lifecycle"),
        )
        .send()
        .await
        .expect("dated lifecycle");
    // The log bucket's policy widened so S3 may deliver there (AWS and the endpoint refuse
    // the logging change otherwise); the statements the library wrote are kept.
    let policy = s3
        .get_bucket_policy()
        .bucket(&logs_name)
        .send()
        .await
        .expect("log bucket policy")
        .policy
        .expect("a policy");
    let mut policy: serde_json::Value = serde_json::from_str(&policy).expect("policy json");
    policy["Statement"]
        .as_array_mut()
        .expect("statements")
        .push(serde_json::json!({
            "Sid": "AccessLogsUnderAwsLogs",
            "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{logs_name}/AWSLogs/*"),
        }));
    s3.put_bucket_policy()
        .bucket(&logs_name)
        .policy(policy.to_string())
        .send()
        .await
        .expect("widened policy");
    s3.put_bucket_logging()
        .bucket(&data_name)
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket(&logs_name)
                        .target_prefix("AWSLogs/")
                        .build()
                        .expect("logging"),
                )
                .build(),
        )
        .send()
        .await
        .expect("logging under AWSLogs/");

    let report = stack.verify(env).await.expect("verify");
    assert!(!report.passed());
    let (app_id, logs_id, data_id, trail_id) = &ids;
    let group_failures = failed(&report, app_id);
    assert!(
        has_failed(
            &group_failures,
            ControlId::IncomingSshDisabled,
            "every IPv4 address"
        ),
        "{group_failures:?}"
    );
    assert!(
        has_failed(
            &group_failures,
            ControlId::SgAdminAndDatabasePortsInternal,
            "198.51.100.10/32"
        ),
        "{group_failures:?}"
    );
    let trail_failures = failed(&report, trail_id);
    assert!(
        has_failed(
            &trail_failures,
            ControlId::CloudTrailManagementEvents,
            "NotEquals"
        ),
        "{trail_failures:?}"
    );
    assert!(
        has_failed(
            &trail_failures,
            ControlId::CloudTrailS3DataEventsEnabled,
            "eventName"
        ),
        "{trail_failures:?}"
    );
    let log_failures = failed(&report, logs_id);
    assert!(
        has_failed(
            &log_failures,
            ControlId::LogRetentionSixYears,
            "Expiration.Date"
        ),
        "{log_failures:?}"
    );
    let data_failures = failed(&report, data_id);
    assert!(
        has_failed(
            &data_failures,
            ControlId::S3BucketLoggingEnabled,
            "AWSLogs/"
        ),
        "{data_failures:?}"
    );
}

// ------------------------------------------------------------------------------ build()

fn build_logs() -> (HipaaKey, LogBucket) {
    let key = HipaaKey::builder().alias("edge").build().expect("key");
    let logs = LogBucket::builder()
        .name("acme-edge-logs")
        .key(&key)
        .build()
        .expect("log bucket");
    (key, logs)
}

#[test]
fn edge_build_refuses_public_blocks_halves_and_prefix_lists_in_ingress() {
    use ControlId as C;
    let (_, logs) = build_logs();
    let vpc = HipaaVpc::builder()
        .name("edge")
        .cidr("10.60.0.0/16")
        .flow_logs_to(&logs)
        .ingress_tier()
        .build()
        .expect("vpc");
    let app = vpc.security_group("app").expect("group");
    let lb = SecurityGroup::builder()
        .name("lb")
        .vpc(&vpc)
        .ingress_tier(vpc.ingress_tier().expect("tier"))
        .build()
        .expect("lb");
    let rules = |group: &SecurityGroup, ingress: Vec<Rule>| {
        SecurityGroupRules::builder()
            .group(group)
            .ingress(ingress)
            .build()
    };
    let ssh_everywhere = [
        C::IncomingSshDisabled,
        C::SgAdminAndDatabasePortsInternal,
        C::VpcSgOpenOnlyToAuthorizedPorts,
    ];
    for halves in [
        vec![Rule::tcp(22, Peer::cidr("0.0.0.0/1"))],
        vec![Rule::tcp(22, Peer::cidr("128.0.0.0/1"))],
        vec![
            Rule::tcp(22, Peer::cidr("0.0.0.0/1")),
            Rule::tcp(22, Peer::cidr("128.0.0.0/1")),
        ],
        vec![Rule::tcp(22, Peer::ipv6_cidr("8000::/1"))],
    ] {
        let mut expected = ssh_everywhere.to_vec();
        expected.sort();
        assert_eq!(refused_controls("halves", rules(&app, halves)), expected);
    }
    let mut expected = vec![
        C::SgAdminAndDatabasePortsInternal,
        C::VpcSgOpenOnlyToAuthorizedPorts,
    ];
    expected.sort();
    assert_eq!(
        refused_controls(
            "a public /32 on 5432",
            rules(&app, vec![Rule::tcp(5432, Peer::cidr("1.2.3.4/32"))])
        ),
        expected
    );
    assert_eq!(
        refused_controls(
            "a prefix list in ingress",
            rules(
                &app,
                vec![Rule::tcp(8443, Peer::prefix_list("pl-0123456789abcdef0"))]
            )
        ),
        vec![C::VpcSgOpenOnlyToAuthorizedPorts]
    );
    assert_eq!(
        refused_controls(
            "CGNAT on RDP",
            rules(&app, vec![Rule::tcp(3389, Peer::cidr("100.64.0.0/10"))])
        ),
        {
            let mut controls = vec![
                C::RestrictedIncomingTraffic,
                C::SgAdminAndDatabasePortsInternal,
                C::VpcSgOpenOnlyToAuthorizedPorts,
            ];
            controls.sort();
            controls
        }
    );
    // Just inside: the VPC's own block, a group, and HTTPS into the ingress tier from a list
    // (every source is authorized there, so no list can widen it).
    assert!(rules(&app, vec![Rule::tcp(5432, Peer::cidr("10.60.0.0/16"))]).is_ok());
    assert!(rules(&app, vec![Rule::tcp(22, &lb)]).is_ok());
    assert!(rules(
        &lb,
        vec![Rule::tcp(443, Peer::prefix_list("pl-0123456789abcdef0"))]
    )
    .is_ok());
    assert!(rules(&lb, vec![Rule::tcp(443, Peer::cidr("0.0.0.0/1"))]).is_ok());
    // Egress to a prefix list (the S3 gateway endpoint's) stays allowed.
    assert!(SecurityGroupRules::builder()
        .group(&app)
        .egress([Rule::tcp(443, Peer::prefix_list("pl-63a5400a"))])
        .build()
        .is_ok());
}

#[test]
fn edge_build_refuses_access_log_prefixes_at_the_boundary() {
    let (key, logs) = build_logs();
    let data = |prefix: &str| {
        EncryptedBucket::builder()
            .name("acme-edge-phi")
            .key(&key)
            .access_logs(&logs)
            .access_log_prefix(prefix)
            .build()
    };
    for bad in ["", "AWSLogs/", "awslogs/", "AWSLogs", "logs*/", "logs?/"] {
        assert_eq!(
            refused_controls(bad, data(bad)),
            vec![ControlId::S3BucketLoggingEnabled],
            "{bad:?}"
        );
    }
    for good in ["access/", "acme-edge-phi/", "awslogs-archive/"] {
        assert!(data(good).is_ok(), "{good:?}");
    }
    // A bucket named like the folder gets a default prefix under its own name, accepted.
    let awslogs_named = EncryptedBucket::builder()
        .name("awslogs-mirror")
        .key(&key)
        .access_logs(&logs)
        .build();
    assert!(awslogs_named.is_ok(), "{awslogs_named:?}");
}

#[test]
fn edge_build_refuses_log_retention_below_six_years_by_one_day() {
    let key = HipaaKey::builder().alias("edge").build().expect("key");
    let bucket = |days: u32| {
        LogBucket::builder()
            .name("acme-edge-logs")
            .key(&key)
            .retention(LogRetention::days(days))
            .build()
    };
    assert_eq!(
        refused_controls("2191 days", bucket(2191)),
        vec![ControlId::LogRetentionSixYears]
    );
    assert!(bucket(2192).is_ok());
}
