// confpass C++ shim.
//
// The only C++ in the plugin. It does three things that the LLVM C API cannot:
//   1. registers confpass's module passes with the new pass manager (PassBuilder callbacks);
//   2. defines the `-mllvm -confpass-*` options (cl::opt) and hands their values to Rust;
//   3. emits real clang diagnostics (LLVMContext::diagnose) with an instruction's location.
// Everything else — analysis, instrumentation, statistics — is Rust (see src/pipeline.rs).
// Keep in sync with src/ffi.rs (the Rust side of every function and struct below).

#include "llvm/IR/Constants.h"
#include "llvm/IR/DiagnosticInfo.h"
#include "llvm/IR/Metadata.h"
#include "llvm/IR/ReplaceConstant.h"
#include "llvm/Analysis/ValueTracking.h"
#include "llvm/Analysis/SimplifyQuery.h"
#include "llvm/IR/ConstantRange.h"
#include "llvm/IR/Operator.h"
#include "llvm/IR/PatternMatch.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"
#include "llvm/Transforms/Utils/BasicBlockUtils.h"
#include "llvm/IR/MDBuilder.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Function.h"
#include "llvm/IR/Instructions.h"
#include "llvm/IR/Instruction.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/PassManager.h"
#include "llvm/Passes/OptimizationLevel.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Plugins/PassPlugin.h"
#include "llvm/Support/CommandLine.h"
#include "llvm-c/Types.h"

#include <cstddef>
#include <cstdint>

using namespace llvm;

// ---------------------------------------------------------------------------------------------
// Options. Each default carries its reason; the Rust side validates nothing that cl::opt
// already rejects (unknown enum values are a hard "Cannot find option named" error).
// Values are forwarded as integers; the enums are mirrored in src/options.rs.

namespace {
enum class Mode : uint32_t { Full, Loads, Stores, Cfi, CheckOnly, Off, Partition };
enum class FlowPolicy : uint32_t { Deny, Warn, Allow };
enum class Guard : uint32_t { Mask, Trap };

cl::OptionCategory Category("confpass options");

// Default `full`: a user who loads the plugin wants the whole protection; the reduced modes
// exist for measurement and for users who need only one property.
cl::opt<Mode> OptMode(
    "confpass-mode", cl::desc("What confpass enforces"), cl::init(Mode::Full),
    cl::cat(Category),
    cl::values(clEnumValN(Mode::Full, "full", "static checks, partition, load/store guards, CFI"),
               clEnumValN(Mode::Loads, "loads", "static checks, partition, load guards only"),
               clEnumValN(Mode::Stores, "stores", "static checks, partition, store guards only"),
               clEnumValN(Mode::Cfi, "cfi", "static checks, partition, CFI only"),
               clEnumValN(Mode::CheckOnly, "check-only", "static checks, no instrumentation"),
               clEnumValN(Mode::Off, "off", "nothing: the plugin leaves the module alone"),
               clEnumValN(Mode::Partition, "partition", "static checks, partition only (no guards, no CFI)")));

// Default deny: an implicit flow leaks as surely as an explicit one (ConfLLVM left it open).
cl::opt<FlowPolicy> OptImplicitFlows(
    "confpass-implicit-flows",
    cl::desc("Branches on private conditions that decide public effects"),
    cl::init(FlowPolicy::Deny), cl::cat(Category),
    cl::values(clEnumValN(FlowPolicy::Deny, "deny", "an error"),
               clEnumValN(FlowPolicy::Warn, "warn", "a warning"),
               clEnumValN(FlowPolicy::Allow, "allow", "not reported")));

// Default off: statistics are for developers and the benchmark, not for every build.
cl::opt<bool> OptStats("confpass-stats", cl::desc("Print what confpass saw and did"),
                       cl::init(false), cl::cat(Category));

// Default off: the audit is asked for when reviewing declassifications.
cl::opt<bool> OptAudit("confpass-audit",
                       cl::desc("Report every declassification site as a remark"),
                       cl::init(false), cl::cat(Category));

// Extra policy files (the built-in libc policy always applies first).
cl::list<std::string> OptPolicy("confpass-policy", cl::desc("Add a policy file of taint rules for external functions"),
                                cl::value_desc("file"), cl::cat(Category));

// Empty: no SARIF unless asked for (CI tools ask).
cl::opt<std::string> OptSarif("confpass-sarif",
                              cl::desc("Write findings and declassifications as SARIF 2.1.0 to this file (or, for a directory, to DIR/<source>.sarif)"),
                              cl::value_desc("file"), cl::init(""), cl::cat(Category));

// Default mask: private accesses are forced into private data branch-free (two ALU operations,
// placed once per pointer and hoisted with it) and public ones get bit 46 set (the identity on
// public memory, which the runtime keeps above 2^46), which the benchmark measures as the
// cheaper flavour; library calls' pointer arguments are compared in both. `trap` compares every
// address and reports each violation.
cl::opt<Guard> OptGuard(
    "confpass-guard", cl::desc("How run-time guards enforce the regions"), cl::init(Guard::Mask),
    cl::cat(Category),
    cl::values(clEnumValN(Guard::Mask, "mask", "force private addresses into private data and public ones out of the block"),
               clEnumValN(Guard::Trap, "trap", "compare every address and report a violation")));

// Default off in builds (it costs compile time, not run time); the test suite turns it on.
cl::opt<bool> OptVerify("confpass-verify",
                        cl::desc("After instrumentation, prove that every memory access is guarded or safe"),
                        cl::init(false), cl::cat(Category));

// Off by default: a local that moves to a public frame does not need -ftrivial-auto-var-init's
// zeroing (public frames hold only public data). confcc turns it on when the build asks for
// -ftrivial-auto-var-init itself: a program that reads uninitialised locals then computes the
// same results as its own zero-initialised build.
cl::opt<bool> OptKeepAutoInit("confpass-keep-auto-init",
                              cl::desc("Keep -ftrivial-auto-var-init's initialisation of locals that move to a public frame"),
                              cl::init(false), cl::cat(Category));

// Hidden, for the test suite: proves that a Rust panic becomes a clang error.
cl::opt<bool> OptDebugPanic("confpass-debug-panic", cl::Hidden, cl::init(false),
                            cl::desc("Panic inside the pass (tests only)"));

// Hidden, for the test suite: leaves out the N-th guard the pass places (0-based, in module
// order), so that a test can show the verifier rejects every such hole.
cl::opt<int> OptDebugSkipGuard("confpass-debug-skip-guard", cl::Hidden, cl::init(-1),
                               cl::desc("Leave out the N-th placed guard (tests of the verifier only)"));
} // namespace

/// Mirrored by `ffi::RawOptions`. Keep in sync.
struct ConfpassRawOptions {
  uint32_t mode;
  uint32_t implicit_flows;
  uint8_t stats;
  uint8_t audit;
  uint8_t debug_panic;
  uint8_t verify;
  uint32_t guard;
  uint8_t keep_auto_init;
  int32_t debug_skip_guard;
};

extern "C" void confpass_shim_options(ConfpassRawOptions *out) {
  out->mode = static_cast<uint32_t>(OptMode.getValue());
  out->implicit_flows = static_cast<uint32_t>(OptImplicitFlows.getValue());
  out->stats = OptStats ? 1 : 0;
  out->audit = OptAudit ? 1 : 0;
  out->debug_panic = OptDebugPanic ? 1 : 0;
  out->verify = OptVerify ? 1 : 0;
  out->guard = static_cast<uint32_t>(OptGuard.getValue());
  out->keep_auto_init = OptKeepAutoInit ? 1 : 0;
  out->debug_skip_guard = OptDebugSkipGuard.getValue();
}

extern "C" size_t confpass_shim_policy_count() { return OptPolicy.size(); }

extern "C" const char *confpass_shim_policy_file(size_t i, size_t *len) {
  *len = OptPolicy[i].size();
  return OptPolicy[i].data();
}

extern "C" const char *confpass_shim_sarif(size_t *len) {
  *len = OptSarif.getValue().size();
  return OptSarif.getValue().data();
}

/// The size of the plugin-info struct as this LLVM's header lays it out; Rust compares it with
/// its own mirror at load time.
extern "C" size_t confpass_shim_plugin_info_size() { return sizeof(PassPluginLibraryInfo); }

extern "C" uint32_t confpass_shim_plugin_api_version() { return LLVM_PLUGIN_API_VERSION; }

/// Reads an integer module flag; returns false when the module has no such flag.
extern "C" bool confpass_shim_module_flag(LLVMModuleRef mod, const char *key, size_t len,
                                          uint64_t *out) {
  Metadata *MD = unwrap(mod)->getModuleFlag(StringRef(key, len));
  auto *C = mdconst::extract_or_null<ConstantInt>(MD);
  if (!C)
    return false;
  *out = C->getZExtValue();
  return true;
}

// ---------------------------------------------------------------------------------------------
// IR utilities the C API lacks (used by the instrumentation; Rust decides what to change).

/// Turns every constant expression that uses one of `vals` inside a function into
/// instructions, so that each remaining function-level use is an instruction operand.
extern "C" void confpass_shim_expand_constant_users(LLVMValueRef *vals, size_t n) {
  SmallVector<Constant *, 16> Cs;
  for (size_t i = 0; i < n; ++i)
    Cs.push_back(cast<Constant>(unwrap(vals[i])));
  convertUsersOfConstantsToInstructions(Cs);
}

/// Deletes a global variable if nothing but dead constants uses it; returns whether it did.
extern "C" bool confpass_shim_delete_if_unused(LLVMValueRef global) {
  auto *G = cast<GlobalVariable>(unwrap(global));
  G->removeDeadConstantUsers();
  if (!G->use_empty())
    return false;
  G->eraseFromParent();
  return true;
}

/// Adds `fn` to `llvm.global_ctors` with `priority` (lower runs first).
extern "C" void confpass_shim_append_ctor(LLVMModuleRef mod, LLVMValueRef fn, int priority) {
  appendToGlobalCtors(*unwrap(mod), cast<Function>(unwrap(fn)), priority);
}

/// Pins each of the `n` globals in `vals` against folding of its initial value: not constant,
/// and in `llvm.compiler.used`, whose use counts as an escape for GlobalOpt, IPSCCP and
/// instcombine. The instrument step takes them out again (`confpass_shim_unpin`).
extern "C" void confpass_shim_pin(LLVMModuleRef mod, LLVMValueRef *vals, size_t n) {
  SmallVector<GlobalValue *, 8> GVs;
  for (size_t i = 0; i < n; ++i) {
    auto *GV = cast<GlobalVariable>(unwrap(vals[i]));
    GV->setConstant(false);
    GVs.push_back(GV);
  }
  appendToCompilerUsed(*unwrap(mod), GVs);
}

/// Takes the `n` globals in `vals` out of `llvm.used` and `llvm.compiler.used`.
extern "C" void confpass_shim_unpin(LLVMModuleRef mod, LLVMValueRef *vals, size_t n) {
  SmallPtrSet<Constant *, 8> Set;
  for (size_t i = 0; i < n; ++i)
    Set.insert(cast<Constant>(unwrap(vals[i])));
  removeFromUsedLists(*unwrap(mod), [&](Constant *C) { return Set.contains(C->stripPointerCasts()); });
}

/// Makes every entry of `llvm.global_ctors` run through `runner(fn)` (a runtime function that
/// calls it on a native stack): each function there is replaced, in the list only, by an
/// internal `void()` that calls `runner` with its address. Returns how many.
extern "C" unsigned confpass_shim_ctors_through(LLVMModuleRef mod, const char *runner) {
  Module &M = *unwrap(mod);
  GlobalVariable *GV = M.getNamedGlobal("llvm.global_ctors");
  if (!GV || !GV->hasInitializer())
    return 0;
  auto *Init = dyn_cast<ConstantArray>(GV->getInitializer());
  if (!Init)
    return 0;
  LLVMContext &C = M.getContext();
  PointerType *Ptr = PointerType::get(C, 0);
  FunctionCallee Run = M.getOrInsertFunction(runner, FunctionType::get(Type::getVoidTy(C), {Ptr}, false));
  std::vector<Constant *> Entries;
  unsigned N = 0;
  for (Use &U : Init->operands()) {
    auto *E = cast<ConstantStruct>(U.get());
    auto *F = dyn_cast<Function>(E->getOperand(1)->stripPointerCasts());
    if (!F) {
      Entries.push_back(E);
      continue;
    }
    Function *W = Function::Create(FunctionType::get(Type::getVoidTy(C), false), GlobalValue::InternalLinkage,
                                   F->getName() + ".on_native_stack", M);
    IRBuilder<> B(BasicBlock::Create(C, "", W));
    B.CreateCall(Run, {F});
    B.CreateRetVoid();
    Entries.push_back(ConstantStruct::get(E->getType(), {E->getOperand(0), W, E->getOperand(2)}));
    N++;
  }
  GV->setInitializer(ConstantArray::get(Init->getType(), Entries));
  return N;
}

/// The global a constant pointer is based on and its constant byte offset (null if none).
extern "C" LLVMValueRef confpass_shim_base_offset(LLVMModuleRef mod, LLVMValueRef ptr, int64_t *offset) {
  int64_t Off = 0;
  Value *Base = GetPointerBaseWithConstantOffset(unwrap(ptr), Off, unwrap(mod)->getDataLayout());
  *offset = Off;
  return isa<GlobalVariable>(Base) || isa<AllocaInst>(Base) ? wrap(Base) : nullptr;
}

/// The pointer `ptr` is computed from by constant offsets (GEPs with constant indices and
/// casts), whatever it is, and that offset.
extern "C" LLVMValueRef confpass_shim_root_offset(LLVMModuleRef mod, LLVMValueRef ptr, int64_t *offset) {
  int64_t Off = 0;
  Value *Base = GetPointerBaseWithConstantOffset(unwrap(ptr), Off, unwrap(mod)->getDataLayout());
  *offset = Off;
  return wrap(Base);
}

/// Whether `ptr` is one GEP `base + var * scale + offset` with a single variable index (its
/// byte offset linear in `var`, on the full 64-bit index width): the shape of an array access
/// in a loop, `a[i]`, `s[i].field`. Outputs base, var, scale and offset.
extern "C" bool confpass_shim_linear(LLVMModuleRef mod, LLVMValueRef ptr, LLVMValueRef *base, LLVMValueRef *var,
                                     int64_t *scale, int64_t *offset) {
  const DataLayout &DL = unwrap(mod)->getDataLayout();
  auto *GEP = dyn_cast<GEPOperator>(unwrap(ptr));
  if (!GEP || GEP->getType()->isVectorTy())
    return false;
  unsigned BW = DL.getIndexTypeSizeInBits(GEP->getType());
  if (BW != 64)
    return false;
  SmallMapVector<Value *, APInt, 4> Var;
  APInt Const(BW, 0);
  if (!GEP->collectOffset(DL, BW, Var, Const) || Var.size() != 1)
    return false;
  auto &[V, Scale] = *Var.begin();
  if (!V->getType()->isIntegerTy(64))
    return false; // a narrower index is extended: it could wrap and jump
  *base = wrap(GEP->getPointerOperand());
  *var = wrap(V);
  *scale = Scale.getSExtValue();
  *offset = Const.getSExtValue();
  return true;
}

/// The pointer `ptr` is computed from by GEPs whose variable indices have a range that
/// `Range(V, Min, Max)` gives (each within ±Limit, scales under MaxScale), and the range [lo, hi]
/// of the byte offset from it. Stops before the first GEP whose offset is unbounded or would
/// take the sum beyond ±Limit.
template <typename RangeFn>
static LLVMValueRef rootWithRange(LLVMModuleRef mod, LLVMValueRef ptr, int64_t Limit, int64_t MaxScale, RangeFn Range,
                                  int64_t *lo, int64_t *hi) {
  const DataLayout &DL = unwrap(mod)->getDataLayout();
  Value *P = unwrap(ptr);
  int64_t Lo = 0, Hi = 0;
  for (int Depth = 0; Depth < 32; ++Depth) {
    auto *GEP = dyn_cast<GEPOperator>(P);
    if (!GEP || GEP->getType()->isVectorTy() || DL.getIndexTypeSizeInBits(GEP->getType()) != 64)
      break;
    SmallMapVector<Value *, APInt, 4> Var;
    APInt Const(64, 0);
    if (!GEP->collectOffset(DL, 64, Var, Const))
      break;
    int64_t L = Const.getSExtValue(), H = L;
    bool Ok = L > -Limit && L < Limit;
    for (auto &[V, Scale] : Var) {
      int64_t Min, Max, S = Scale.getSExtValue();
      if (!Ok || !Range(V, Min, Max) || Min <= -Limit || Max >= Limit || S <= -MaxScale || S >= MaxScale) {
        Ok = false;
        break;
      }
      int64_t A = Min * S, B = Max * S;
      L += std::min(A, B);
      H += std::max(A, B);
      Ok = L > -Limit && H < Limit;
    }
    if (!Ok || Lo + L <= -Limit || Hi + H >= Limit)
      break;
    Lo += L;
    Hi += H;
    P = GEP->getPointerOperand();
  }
  *lo = Lo;
  *hi = Hi;
  return wrap(P);
}

/// A range of `V` that holds whatever the program did, poison or not: facts about bits, not
/// LLVM's constant ranges, which can rest on `nsw` flags, `!range` metadata or assumptions that
/// a corrupted input breaks at run time. The width of a value zero- or sign-extended from at
/// most 32 bits; `and` with a non-negative bounded side; `or`, `add`, `shl` and `lshr` by a
/// constant of bounded non-negative values. False when there is none.
static bool widthRange(Value *V, int64_t &Min, int64_t &Max, unsigned Depth = 0) {
  using namespace PatternMatch;
  const int64_t Cap = int64_t(1) << 40;
  Value *X, *Y;
  const APInt *C;
  if (auto *CI = dyn_cast<ConstantInt>(V)) {
    if (CI->getBitWidth() > 64 || CI->getValue().getSignificantBits() > 41)
      return false;
    Min = Max = CI->getSExtValue();
    return true;
  }
  if (Depth >= 6)
    return false;
  if (match(V, m_ZExt(m_Value(X))) && X->getType()->getScalarSizeInBits() <= 32) {
    int64_t A, B;
    // (A narrower bound of the operand, if it has one and is non-negative.)
    if (widthRange(X, A, B, Depth + 1) && A >= 0) {
      Min = A, Max = B;
      return true;
    }
    Min = 0;
    Max = (int64_t(1) << X->getType()->getScalarSizeInBits()) - 1;
    return true;
  }
  if (match(V, m_SExt(m_Value(X))) && X->getType()->getScalarSizeInBits() <= 32) {
    int64_t A, B;
    if (widthRange(X, A, B, Depth + 1)) {
      Min = A, Max = B;
      return true;
    }
    unsigned N = X->getType()->getScalarSizeInBits();
    Min = -(int64_t(1) << (N - 1));
    Max = (int64_t(1) << (N - 1)) - 1;
    return true;
  }
  // Below, ranges of values of V's own type: a bound must leave its sign bit clear.
  unsigned W = V->getType()->getScalarSizeInBits();
  if (!V->getType()->isIntegerTy() || W > 64)
    return false;
  auto nonNegative = [&](Value *U, int64_t &A, int64_t &B) { return widthRange(U, A, B, Depth + 1) && A >= 0 && B < Cap; };
  // A sum or shift that stays below V's sign bit (no wrap in a narrow type).
  auto fits = [&](int64_t M) { return M < Cap && (W > 41 || M < (int64_t(1) << (W - 1))); };
  int64_t A, B, A2, B2;
  if (match(V, m_And(m_Value(X), m_Value(Y)))) {
    bool L = nonNegative(X, A, B), R = nonNegative(Y, A2, B2);
    if (!L && !R)
      return false;
    Min = 0;
    Max = L && R ? std::min(B, B2) : L ? B : B2;
    return true;
  }
  if (match(V, m_Or(m_Value(X), m_Value(Y))) && nonNegative(X, A, B) && nonNegative(Y, A2, B2)) {
    uint64_t Top = uint64_t(std::max(B, B2));
    Min = 0;
    Max = Top == 0 ? 0 : int64_t((uint64_t(1) << (64 - __builtin_clzll(Top))) - 1);
    return Max < Cap;
  }
  if (match(V, m_Add(m_Value(X), m_Value(Y))) && nonNegative(X, A, B) && nonNegative(Y, A2, B2)) {
    Min = A + A2;
    Max = B + B2;
    return fits(Max);
  }
  // A sum or difference of values of either sign (`a[n - 1]`), where it cannot wrap in V's
  // type: both bounds within ±Cap and, in a narrow type, within its signed range.
  auto bounded = [&](Value *U, int64_t &L, int64_t &H) { return widthRange(U, L, H, Depth + 1) && L > -Cap && H < Cap; };
  auto inType = [&](int64_t L, int64_t H) {
    return L > -Cap && H < Cap && (W > 42 || (L >= -(int64_t(1) << (W - 1)) && H < (int64_t(1) << (W - 1))));
  };
  if (match(V, m_Add(m_Value(X), m_Value(Y))) && bounded(X, A, B) && bounded(Y, A2, B2) && inType(A + A2, B + B2)) {
    Min = A + A2;
    Max = B + B2;
    return true;
  }
  if (match(V, m_Sub(m_Value(X), m_Value(Y))) && bounded(X, A, B) && bounded(Y, A2, B2) && inType(A - B2, B - A2)) {
    Min = A - B2;
    Max = B - A2;
    return true;
  }
  if (match(V, m_Shl(m_Value(X), m_APInt(C))) && C->ult(24) && nonNegative(X, A, B)) {
    Min = A << C->getZExtValue();
    Max = B << C->getZExtValue();
    return fits(Max);
  }
  // The leading zeros of a value in [A, B] with A >= 1 (at zero the count may be poison).
  if (match(V, m_Intrinsic<Intrinsic::ctlz>(m_Value(X), m_Value())) && X->getType()->getScalarSizeInBits() <= 64 &&
      nonNegative(X, A, B) && A >= 1) {
    unsigned XW = X->getType()->getScalarSizeInBits();
    Min = int64_t(__builtin_clzll(uint64_t(B))) - int64_t(64 - XW);
    Max = int64_t(__builtin_clzll(uint64_t(A))) - int64_t(64 - XW);
    return true;
  }
  // A constant shifted right arithmetically by an amount in [S0, S1] (QuickJS's hash index
  // `C >> (64 - bits)`): between the constant shifted by either end.
  if (match(V, m_AShr(m_APInt(C), m_Value(Y))) && W <= 64 && nonNegative(Y, A2, B2) && B2 < int64_t(W)) {
    int64_t K = C->getSExtValue();
    int64_t L = K >> A2, H = K >> B2;
    Min = std::min(L, H);
    Max = std::max(L, H);
    return Min > -Cap && Max < Cap;
  }
  // A choice between bounded values (a select, a phi of at most eight near the top of the
  // search, which keeps it small): any of them.
  auto either = [&](ArrayRef<Value *> Vs) {
    int64_t L = 0, H = 0;
    for (size_t I = 0; I < Vs.size(); ++I) {
      int64_t A1, B1;
      if (!bounded(Vs[I], A1, B1))
        return false;
      L = I == 0 ? A1 : std::min(L, A1);
      H = I == 0 ? B1 : std::max(H, B1);
    }
    Min = L, Max = H;
    return !Vs.empty();
  };
  if (auto *Sel = dyn_cast<SelectInst>(V))
    return either({Sel->getTrueValue(), Sel->getFalseValue()});
  if (auto *Phi = dyn_cast<PHINode>(V)) {
    if (Phi->getNumIncomingValues() > 8 || Depth > 2)
      return false;
    SmallVector<Value *, 8> In(Phi->incoming_values().begin(), Phi->incoming_values().end());
    return either(In);
  }
  // The remainder by a constant: below it in magnitude, whatever the dividend.
  if (match(V, m_URem(m_Value(X), m_APInt(C))) && !C->isZero() && C->ult(uint64_t(Cap)) && fits(int64_t(C->getZExtValue()) - 1)) {
    Min = 0, Max = int64_t(C->getZExtValue()) - 1; // (in a narrow type, below its sign bit)
    return true;
  }
  if (match(V, m_SRem(m_Value(X), m_APInt(C))) && !C->isZero() && C->abs().ult(uint64_t(Cap)) && !C->isMinSignedValue()) {
    int64_t M = C->abs().getSExtValue() - 1;
    Min = -M, Max = M;
    return true;
  }
  // A non-negative bounded value times a small positive constant.
  if (match(V, m_Mul(m_Value(X), m_APInt(C))) && C->isStrictlyPositive() && C->ult(1 << 20) && nonNegative(X, A, B)) {
    Min = A * C->getSExtValue();
    Max = B * C->getSExtValue();
    return fits(Max);
  }
  if (match(V, m_LShr(m_Value(X), m_APInt(C))) && C->ult(W)) {
    unsigned S = unsigned(C->getZExtValue());
    if (nonNegative(X, A, B)) {
      Min = A >> S, Max = B >> S;
      return true;
    }
    if (S >= 1 && W - S <= 40) { // (a shift by 0 keeps the sign bit)
      Min = 0, Max = (int64_t(1) << (W - S)) - 1;
      return true;
    }
  }
  return false;
}

/// The root and offset range of `ptr` (`i & 0x7f`, a zero-extended byte, a remainder, …) with
/// `widthRange` bounds on the indices, the range within ±`limit` (a guard zone, for compares;
/// an object's size, for proofs of bounds). Not LLVM's constant ranges and known bits: those
/// take a bool loaded from memory to be 0 or 1 (`!range` metadata) when a corrupted byte makes
/// it 255 (tests/run/attack_bool_index.c).
extern "C" LLVMValueRef confpass_shim_root_range(LLVMModuleRef mod, LLVMValueRef ptr, int64_t limit, int64_t *lo, int64_t *hi) {
  auto Range = [](Value *V, int64_t &Min, int64_t &Max) { return widthRange(V, Min, Max); };
  return rootWithRange(mod, ptr, limit, int64_t(1) << 20, Range, lo, hi);
}

/// The root and offset range of `ptr` with only `widthRange` bounds on the indices (for the
/// wide reach of a public mask, where an index breaking LLVM's assumptions could otherwise jump
/// far).
extern "C" LLVMValueRef confpass_shim_root_width_range(LLVMModuleRef mod, LLVMValueRef ptr, int64_t *lo, int64_t *hi) {
  auto Range = [](Value *V, int64_t &Min, int64_t &Max) { return widthRange(V, Min, Max); };
  return rootWithRange(mod, ptr, int64_t(1) << 44, int64_t(1) << 12, Range, lo, hi);
}

// ---------------------------------------------------------------------------------------------
// KCFI (taint-aware CFI, forward edges). The x86 backend emits the checks for indirect calls
// that carry a "kcfi" operand bundle and the id prefix of functions with !kcfi_type, once the
// module has the "kcfi" flag (set from Rust).

extern "C" void confpass_shim_set_kcfi_type(LLVMValueRef fn, uint32_t id) {
  Function *F = unwrap<Function>(fn);
  LLVMContext &C = F->getContext();
  F->setMetadata(LLVMContext::MD_kcfi_type,
                 MDNode::get(C, ConstantAsMetadata::get(ConstantInt::get(Type::getInt32Ty(C), id))));
}

/// Rebuilds an indirect call with a "kcfi" bundle expecting `id`; returns the new call.
extern "C" LLVMValueRef confpass_shim_add_kcfi_bundle(LLVMValueRef call, uint32_t id) {
  CallBase *CB = unwrap<CallBase>(call);
  OperandBundleDef B("kcfi", ConstantInt::get(Type::getInt32Ty(CB->getContext()), id));
  CallBase *New = CallBase::addOperandBundle(CB, LLVMContext::OB_kcfi, B, CB->getIterator());
  New->takeName(CB);
  CB->replaceAllUsesWith(New);
  CB->eraseFromParent();
  return wrap(New);
}

/// Every use of `fn` that is not the callee of a direct call goes to a stub that carries the
/// id and jumps to `fn` (`musttail`): indirect calls can reach a function compiled elsewhere
/// (or a library function) through it. The stub is `linkonce_odr` in a comdat under one name
/// per function, so every file of a program shares it and function pointers still compare
/// equal across files.
extern "C" LLVMValueRef confpass_shim_cfi_stub(LLVMValueRef fn, uint32_t id) {
  Function *F = unwrap<Function>(fn);
  Module *M = F->getParent();
  LLVMContext &C = M->getContext();
  std::string Name = ("__confpass_cfi." + F->getName()).str();
  if (Function *Old = M->getFunction(Name))
    return wrap(Old);
  Function *Stub = Function::Create(F->getFunctionType(), GlobalValue::LinkOnceODRLinkage,
                                    F->getAddressSpace(), Name, M);
  Stub->setVisibility(GlobalValue::HiddenVisibility);
  Stub->setComdat(M->getOrInsertComdat(Name));
  Stub->setCallingConv(F->getCallingConv());
  Stub->setAttributes(F->getAttributes());
  F->replaceAllUsesWith(Stub);
  // Direct calls keep calling the function itself.
  SmallVector<CallBase *, 16> Direct;
  for (Use &U : Stub->uses())
    if (auto *CB = dyn_cast<CallBase>(U.getUser()))
      if (CB->isCallee(&U))
        Direct.push_back(CB);
  for (CallBase *CB : Direct)
    CB->setCalledOperand(F);
  BasicBlock *BB = BasicBlock::Create(C, "", Stub);
  IRBuilder<> B(BB);
  SmallVector<Value *, 8> Args;
  for (Argument &A : Stub->args())
    Args.push_back(&A);
  CallInst *CI = B.CreateCall(F, Args);
  CI->setTailCallKind(CallInst::TCK_MustTail);
  CI->setCallingConv(F->getCallingConv());
  CI->setAttributes(F->getAttributes());
  if (CI->getType()->isVoidTy())
    B.CreateRetVoid();
  else
    B.CreateRet(CI);
  confpass_shim_set_kcfi_type(wrap(Stub), id);
  return wrap(Stub);
}

/// LLVM's own answer to "may this instruction read or write memory?" (the verifier's list).
extern "C" bool confpass_shim_may_access_memory(LLVMValueRef inst) {
  return unwrap<Instruction>(inst)->mayReadOrWriteMemory();
}

/// Splits the block before `before` and branches on `fail` to a new cold block that ends in
/// `unreachable` (returned, so that the caller can put the report call before it). The
/// branch carries "unlikely" weights so that the failure path is laid out of line.
extern "C" LLVMValueRef confpass_shim_split_check(LLVMValueRef fail, LLVMValueRef before) {
  Instruction *I = unwrap<Instruction>(before);
  MDBuilder MDB(I->getContext());
  Instruction *Then = SplitBlockAndInsertIfThen(unwrap(fail), I->getIterator(), /*Unreachable=*/true,
                                                MDB.createUnlikelyBranchWeights());
  return wrap(Then);
}

// ---------------------------------------------------------------------------------------------
// Diagnostics.

/// Severity as Rust passes it (`ffi::Severity`). Keep in sync.
static DiagnosticSeverity toSeverity(uint32_t s) {
  switch (s) {
  case 0: return DS_Error;
  case 1: return DS_Warning;
  case 2: return DS_Remark;
  default: return DS_Note;
  }
}

/// Reports `msg` at `where`: an instruction (its debug location), a function (its
/// subprogram's line), or anything else / null (no location, module-level).
extern "C" void confpass_shim_diagnose(LLVMModuleRef mod, LLVMValueRef where, uint32_t severity,
                                       const char *msg, size_t len) {
  Module *M = unwrap(mod);
  LLVMContext &Ctx = M->getContext();
  DiagnosticSeverity Sev = toSeverity(severity);
  StringRef Msg(msg, len);
  Value *V = where ? unwrap(where) : nullptr;
  // clang renders DS_Note of DiagnosticInfoUnsupported as a warning; a located note is sent
  // as an analysis remark instead, which clang prints with the source line and caret.
  if (Sev == DS_Note) {
    auto *I = dyn_cast_or_null<Instruction>(V);
    auto *F = I ? I->getFunction() : dyn_cast_or_null<Function>(V);
    if (F) {
      DiagnosticLocation Loc = I ? DiagnosticLocation(I->getDebugLoc())
                                 : DiagnosticLocation(F->getSubprogram());
      OptimizationRemarkAnalysis R("confpass", "flow", Loc, I ? I->getParent() : &F->getEntryBlock());
      R << Msg;
      Ctx.diagnose(R);
      return;
    }
  }
  if (auto *I = dyn_cast_or_null<Instruction>(V)) {
    if (Function *F = I->getFunction()) {
      Ctx.diagnose(DiagnosticInfoUnsupported(*F, Msg, I->getDebugLoc(), Sev));
      return;
    }
  }
  if (auto *F = dyn_cast_or_null<Function>(V)) {
    Ctx.diagnose(DiagnosticInfoUnsupported(*F, Msg, DiagnosticLocation(F->getSubprogram()), Sev));
    return;
  }
  Ctx.diagnose(DiagnosticInfoGeneric(Twine(Msg), Sev));
}

/// An optimisation remark named `confpass` at an instruction (shown by `-Rpass=confpass`).
extern "C" void confpass_shim_remark(LLVMValueRef inst, const char *name, const char *msg,
                                     size_t len) {
  auto *I = dyn_cast_or_null<Instruction>(unwrap(inst));
  if (!I || !I->getFunction())
    return;
  OptimizationRemark R("confpass", name, I);
  R << StringRef(msg, len);
  I->getContext().diagnose(R);
}

// ---------------------------------------------------------------------------------------------
// Passes. One module pass type, parameterised by step and phase; the work is Rust's.

/// Implemented in Rust (src/lib.rs). Returns non-zero when the module was changed.
extern "C" uint32_t confpass_rust_run(LLVMModuleRef mod, uint32_t step, uint32_t phase);

namespace {
/// Mirrored by `pipeline::Step`. Keep in sync.
enum class Step : uint32_t { Check = 0, Instrument = 1 };
/// Mirrored by `pipeline::Phase`. Keep in sync.
enum class Phase : uint32_t { Compile = 0, FullLto = 1, ThinLtoBackend = 2, Opt = 3 };

struct ConfpassPass : PassInfoMixin<ConfpassPass> {
  Step S;
  Phase P;
  ConfpassPass(Step S, Phase P) : S(S), P(P) {}
  PreservedAnalyses run(Module &M, ModuleAnalysisManager &) {
    uint32_t changed =
        confpass_rust_run(wrap(&M), static_cast<uint32_t>(S), static_cast<uint32_t>(P));
    return changed ? PreservedAnalyses::none() : PreservedAnalyses::all();
  }
  // Functions are optnone at -O0, but confpass must still check and instrument them.
  static bool isRequired() { return true; }
};
} // namespace

extern "C" void confpass_shim_register(PassBuilder &PB) {
  // Checks see source-shaped IR: before inlining, one report per source location.
  // PipelineStart does not fire in LTO/ThinLTO backends, so each TU is checked once.
  PB.registerPipelineStartEPCallback([](ModulePassManager &MPM, OptimizationLevel) {
    MPM.addPass(ConfpassPass(Step::Check, Phase::Compile));
  });
  // Instrumentation sees optimised IR. In LTO pre-link compiles it waits for the link.
  PB.registerOptimizerLastEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel, ThinOrFullLTOPhase LP) {
        switch (LP) {
        case ThinOrFullLTOPhase::ThinLTOPreLink:
        case ThinOrFullLTOPhase::FullLTOPreLink:
          return;
        case ThinOrFullLTOPhase::ThinLTOPostLink:
          MPM.addPass(ConfpassPass(Step::Instrument, Phase::ThinLtoBackend));
          return;
        default:
          MPM.addPass(ConfpassPass(Step::Instrument, Phase::Compile));
          return;
        }
      });
  PB.registerFullLinkTimeOptimizationLastEPCallback(
      [](ModulePassManager &MPM, OptimizationLevel) {
        MPM.addPass(ConfpassPass(Step::Instrument, Phase::FullLto));
      });
  // opt-22 -load-pass-plugin=libconfpass.so -passes=confpass (or one step alone).
  PB.registerPipelineParsingCallback(
      [](StringRef Name, ModulePassManager &MPM, ArrayRef<PassBuilder::PipelineElement>) {
        if (Name == "confpass") {
          MPM.addPass(ConfpassPass(Step::Check, Phase::Opt));
          MPM.addPass(ConfpassPass(Step::Instrument, Phase::Opt));
          return true;
        }
        if (Name == "confpass-check") {
          MPM.addPass(ConfpassPass(Step::Check, Phase::Opt));
          return true;
        }
        if (Name == "confpass-instrument") {
          MPM.addPass(ConfpassPass(Step::Instrument, Phase::Opt));
          return true;
        }
        return false;
      });
}
