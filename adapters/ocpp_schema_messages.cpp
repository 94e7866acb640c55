// The OCPP 2.1 schemas of the messages swaptwin uses, transcribed from the OCA JSON schemas as
// shipped by typed-ocpp 1.6.2 (dist/ocpp21/schemas.js; docs/ocpp-research.md §1). Every object
// there has additionalProperties false and an optional customData, which schema_build::object
// adds. Definitions keep their OCA names so a reader can compare them side by side; the
// conformance check (tests/conformance/validate.mjs) runs our samples through the originals.

#include "adapters/ocpp_schema.hpp"

namespace swaptwin::adapters::ocpp {

std::vector<message_schemas> ocpp21_messages() {
  using namespace schema_build;

  // Shared definitions.
  const auto status_info = object({req("reasonCode", string_of(20)),
                                   opt("additionalInfo", string_of(1024))});
  const auto evse = object({req("id", integer(0)), opt("connectorId", integer(0))});
  const auto component = object({req("name", string_of(50)), opt("instance", string_of(50)),
                                 opt("evse", evse)});
  const auto variable = object({req("name", string_of(50)), opt("instance", string_of(50))});
  const auto additional_info = object({req("additionalIdToken", string_of(255)),
                                       req("type", string_of(50))});
  // In 2.1 the token type is a free string <= 20 (2.0.1 had IdTokenEnumType).
  const auto id_token = object({req("idToken", string_of(255)), req("type", string_of(20)),
                                opt("additionalInfo", array_of(additional_info, 1))});
  const auto empty = object({});

  // BootNotification
  const auto modem = object({opt("iccid", string_of(20)), opt("imsi", string_of(20))});
  const auto charging_station = object({
      req("model", string_of(20)), req("vendorName", string_of(50)),
      opt("serialNumber", string_of(25)), opt("modem", modem),
      opt("firmwareVersion", string_of(50))});
  const auto boot_request = object({
      req("reason", enum_of({"ApplicationReset", "FirmwareUpdate", "LocalReset", "PowerUp",
                             "RemoteReset", "ScheduledReset", "Triggered", "Unknown",
                             "Watchdog"})),
      req("chargingStation", charging_station)});
  const auto boot_response = object({
      req("currentTime", date_time()), req("interval", integer()),
      req("status", enum_of({"Accepted", "Pending", "Rejected"})),
      opt("statusInfo", status_info)});

  // Heartbeat
  const auto heartbeat_response = object({req("currentTime", date_time())});

  // StatusNotification
  const auto status_request = object({
      req("timestamp", date_time()),
      req("connectorStatus",
          enum_of({"Available", "Occupied", "Reserved", "Unavailable", "Faulted"})),
      req("evseId", integer(0)), req("connectorId", integer(0))});

  // Authorize
  const auto ocsp_request_data = object({
      req("hashAlgorithm", enum_of({"SHA256", "SHA384", "SHA512"})),
      req("issuerNameHash", string_of(128)), req("issuerKeyHash", string_of(128)),
      req("serialNumber", string_of(40)), req("responderURL", string_of(2000))});
  const auto authorize_request = object({
      req("idToken", id_token), opt("certificate", string_of(10000)),
      opt("iso15118CertificateHashData", array_of(ocsp_request_data, 1, 4))});
  const auto message_content = object({
      req("format", enum_of({"ASCII", "HTML", "URI", "UTF8", "QRCODE"})),
      opt("language", string_of(8)), req("content", string_of(1024))});
  const auto id_token_info = object({
      req("status", enum_of({"Accepted", "Blocked", "ConcurrentTx", "Expired", "Invalid",
                             "NoCredit", "NotAllowedTypeEVSE", "NotAtThisLocation",
                             "NotAtThisTime", "Unknown"})),
      opt("cacheExpiryDateTime", date_time()), opt("chargingPriority", integer()),
      opt("groupIdToken", id_token), opt("language1", string_of(8)),
      opt("language2", string_of(8)), opt("evseId", array_of(integer(0), 1)),
      opt("personalMessage", message_content)});
  // TariffType and what it uses: rarely sent by us, but a valid AuthorizeResponse may carry it.
  const auto tax_rate = object({req("type", string_of(20)), req("tax", number()),
                                opt("stack", integer(0))});
  const auto tax_rates = array_of(tax_rate, 1, 5);
  const auto day_of_week = enum_of({"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                    "Saturday", "Sunday"});
  const auto evse_kind = enum_of({"AC", "DC"});
  const auto tariff_conditions = object({
      opt("startTimeOfDay", string_of()), opt("endTimeOfDay", string_of()),
      opt("dayOfWeek", array_of(day_of_week, 1, 7)), opt("validFromDate", string_of()),
      opt("validToDate", string_of()), opt("evseKind", evse_kind), opt("minEnergy", number()),
      opt("maxEnergy", number()), opt("minCurrent", number()), opt("maxCurrent", number()),
      opt("minPower", number()), opt("maxPower", number()), opt("minTime", integer()),
      opt("maxTime", integer()), opt("minChargingTime", integer()),
      opt("maxChargingTime", integer()), opt("minIdleTime", integer()),
      opt("maxIdleTime", integer())});
  const auto tariff_conditions_fixed = object({
      opt("startTimeOfDay", string_of()), opt("endTimeOfDay", string_of()),
      opt("dayOfWeek", array_of(day_of_week, 1, 7)), opt("validFromDate", string_of()),
      opt("validToDate", string_of()), opt("evseKind", evse_kind),
      opt("paymentBrand", string_of(20)), opt("paymentRecognition", string_of(20))});
  const auto tariff_energy = object({
      req("prices", array_of(object({req("priceKwh", number()),
                                     opt("conditions", tariff_conditions)}), 1)),
      opt("taxRates", tax_rates)});
  const auto tariff_time = object({
      req("prices", array_of(object({req("priceMinute", number()),
                                     opt("conditions", tariff_conditions)}), 1)),
      opt("taxRates", tax_rates)});
  const auto tariff_fixed = object({
      req("prices", array_of(object({req("priceFixed", number()),
                                     opt("conditions", tariff_conditions_fixed)}), 1)),
      opt("taxRates", tax_rates)});
  const auto price = object({opt("exclTax", number()), opt("inclTax", number()),
                             opt("taxRates", tax_rates)});
  const auto tariff = object({
      req("tariffId", string_of(60)), req("currency", string_of(3)),
      opt("energy", tariff_energy), opt("validFrom", date_time()),
      opt("chargingTime", tariff_time), opt("idleTime", tariff_time),
      opt("fixedFee", tariff_fixed), opt("reservationTime", tariff_time),
      opt("reservationFixed", tariff_fixed), opt("minCost", price), opt("maxCost", price)});
  const auto authorize_response = object({
      req("idTokenInfo", id_token_info),
      opt("certificateStatus",
          enum_of({"Accepted", "SignatureError", "CertificateExpired", "CertificateRevoked",
                   "NoCertificateAvailable", "CertChainError", "ContractCancelled"})),
      opt("allowedEnergyTransfer",
          array_of(enum_of({"AC_single_phase", "AC_two_phase", "AC_three_phase", "DC", "AC_BPT",
                            "AC_BPT_DER", "AC_DER", "DC_BPT", "DC_ACDP", "DC_ACDP_BPT", "WPT"}),
                   1)),
      opt("tariff", tariff)});

  // BatterySwap
  const auto battery_data = object({
      req("evseId", integer(0)), req("serialNumber", string_of(50)),
      req("soC", number(0, 100)), req("soH", number(0, 100)),
      opt("productionDate", date_time()), opt("vendorInfo", string_of(500))});
  const auto swap_request = object({
      req("eventType", enum_of({"BatteryIn", "BatteryOut", "BatteryOutTimeout"})),
      req("requestId", integer()), req("idToken", id_token),
      req("batteryData", array_of(battery_data, 1))});

  // NotifyEvent
  const auto event_data = object({
      req("eventId", integer(0)), req("timestamp", date_time()),
      req("trigger", enum_of({"Alerting", "Delta", "Periodic"})),
      opt("cause", integer(0)), req("actualValue", string_of(2500)),
      opt("techCode", string_of(50)), opt("techInfo", string_of(500)), opt("cleared", boolean()),
      opt("transactionId", string_of(36)), req("component", component),
      opt("variableMonitoringId", integer(0)),
      req("eventNotificationType", enum_of({"HardWiredNotification", "HardWiredMonitor",
                                            "PreconfiguredMonitor", "CustomMonitor"})),
      req("variable", variable), opt("severity", integer(0))});
  const auto notify_event_request = object({
      req("generatedAt", date_time()), opt("tbc", boolean()), req("seqNo", integer(0)),
      req("eventData", array_of(event_data, 1))});

  // RequestBatterySwap
  const auto request_swap_request = object({req("requestId", integer()), req("idToken", id_token)});
  const auto generic_status_response = object({
      req("status", enum_of({"Accepted", "Rejected"})), opt("statusInfo", status_info)});

  // ChangeAvailability and Reset (their responses share one enum: Accepted/Rejected/Scheduled)
  const auto change_availability_request = object({
      req("operationalStatus", enum_of({"Inoperative", "Operative"})), opt("evse", evse)});
  const auto scheduled_status_response = object({
      req("status", enum_of({"Accepted", "Rejected", "Scheduled"})),
      opt("statusInfo", status_info)});
  const auto reset_request = object({
      req("type", enum_of({"Immediate", "OnIdle", "ImmediateAndResume"})),
      opt("evseId", integer(0))});

  // SetVariables
  const auto attribute = enum_of({"Actual", "Target", "MinSet", "MaxSet"});
  const auto set_variable_data = object({
      opt("attributeType", attribute), req("attributeValue", string_of(2500)),
      req("component", component), req("variable", variable)});
  const auto set_variable_result = object({
      opt("attributeType", attribute),
      req("attributeStatus", enum_of({"Accepted", "Rejected", "UnknownComponent",
                                      "UnknownVariable", "NotSupportedAttributeType",
                                      "RebootRequired"})),
      opt("attributeStatusInfo", status_info), req("component", component),
      req("variable", variable)});

  // TriggerMessage (BatterySwap and NotifyEvent are not triggerable: use CustomTrigger)
  const auto trigger_request = object({
      opt("evse", evse),
      req("requestedMessage",
          enum_of({"BootNotification", "LogStatusNotification", "FirmwareStatusNotification",
                   "Heartbeat", "MeterValues", "SignChargingStationCertificate",
                   "SignV2GCertificate", "SignV2G20Certificate", "StatusNotification",
                   "TransactionEvent", "SignCombinedCertificate",
                   "PublishFirmwareStatusNotification", "CustomTrigger"})),
      opt("customTrigger", string_of(50))});
  const auto trigger_response = object({
      req("status", enum_of({"Accepted", "Rejected", "NotImplemented"})),
      opt("statusInfo", status_info)});

  return {
      {"BootNotification", origin::station, boot_request, boot_response},
      {"Heartbeat", origin::station, empty, heartbeat_response},
      {"StatusNotification", origin::station, status_request, empty},
      {"Authorize", origin::station, authorize_request, authorize_response},
      {"BatterySwap", origin::station, swap_request, empty},
      {"NotifyEvent", origin::station, notify_event_request, empty},
      {"RequestBatterySwap", origin::csms, request_swap_request, generic_status_response},
      {"ChangeAvailability", origin::csms, change_availability_request,
       scheduled_status_response},
      {"Reset", origin::csms, reset_request, scheduled_status_response},
      {"SetVariables", origin::csms,
       object({req("setVariableData", array_of(set_variable_data, 1))}),
       object({req("setVariableResult", array_of(set_variable_result, 1))})},
      {"TriggerMessage", origin::csms, trigger_request, trigger_response},
  };
}

}  // namespace swaptwin::adapters::ocpp
