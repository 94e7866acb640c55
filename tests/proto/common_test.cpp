// The generated protobuf target builds, links and round-trips the shared value messages.
#include <gtest/gtest.h>

#include <google/protobuf/io/tokenizer.h>
#include <google/protobuf/text_format.h>

#include "swaptwin/v1/common.pb.h"

TEST(ProtoCommon, PostingRoundTripsThroughBinary) {
  swaptwin::v1::Posting p;
  p.set_key("swap:SZ-0001:boot-1:42");
  p.set_at_ms(1795430400000);
  p.set_rider_id("R-CN-001");
  p.set_kind("usage_charge");
  p.mutable_amount()->set_minor(-1234);
  p.mutable_amount()->set_currency("CNY");
  p.set_plan_kind(swaptwin::v1::PLAN_KIND_DISTANCE);

  std::string wire;
  ASSERT_TRUE(p.SerializeToString(&wire));
  swaptwin::v1::Posting back;
  ASSERT_TRUE(back.ParseFromString(wire));
  EXPECT_EQ(back.key(), "swap:SZ-0001:boot-1:42");
  EXPECT_EQ(back.at_ms(), 1795430400000);
  EXPECT_EQ(back.amount().minor(), -1234);
  EXPECT_EQ(back.amount().currency(), "CNY");
  EXPECT_EQ(back.plan_kind(), swaptwin::v1::PLAN_KIND_DISTANCE);
}

TEST(ProtoCommon, TextFormatParsesAndRejectsUnknownFields) {
  // Scenario files are text-format protobuf: a typo in a field name must be an error.
  swaptwin::v1::Money m;
  ASSERT_TRUE(google::protobuf::TextFormat::ParseFromString("minor: 30000 currency: \"CNY\"", &m));
  EXPECT_EQ(m.minor(), 30000);
  struct collector : google::protobuf::io::ErrorCollector {
    void AddError(int line, int column, const std::string& message) override {
      errors.push_back(std::to_string(line + 1) + ":" + std::to_string(column + 1) + " " + message);
    }
    std::vector<std::string> errors;
  } errors;
  swaptwin::v1::Money bad;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  EXPECT_FALSE(parser.ParseFromString("currency: \"CNY\"\nminr: 1", &bad));
  ASSERT_EQ(errors.errors.size(), 1u);
  EXPECT_EQ(errors.errors[0].rfind("2:", 0), 0u) << errors.errors[0];  // reported on line 2, where the typo is
  EXPECT_NE(errors.errors[0].find("minr"), std::string::npos) << errors.errors[0];
}
