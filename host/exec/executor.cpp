#include "host/exec/executor.hpp"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

namespace bscan {
namespace {

using Clock = std::chrono::steady_clock;

double since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

// One writer thread with a one-chunk hand-over slot: the evaluating thread hands chunk k over when
// chunk k-1 is written, then evaluates chunk k+1 while chunk k is written (double buffering); a
// written chunk's buffers come back as the spare for the next evaluation.
class WriterThread {
 public:
  explicit WriterThread(std::span<Sink* const> sinks)
      : sinks_(sinks), thread_([this] { loop(); }) {}
  ~WriterThread() {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
    }
    changed_.notify_all();
    thread_.join();
  }
  WriterThread(const WriterThread&) = delete;
  WriterThread& operator=(const WriterThread&) = delete;

  // Buffers for the next chunk (reused when the writer has returned one).
  Chunk take_spare() {
    const std::lock_guard<std::mutex> lock(mutex_);
    Chunk c = std::move(spare_).value_or(Chunk{});
    spare_.reset();
    return c;
  }

  // Waits until the writer is done with the previous chunk (two buffers: the one being written,
  // the one being evaluated), hands the chunk over; rethrows a sink's error.
  void submit(Chunk&& chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    const Clock::time_point t = Clock::now();
    changed_.wait(lock, [this] { return (!slot_ && !busy_) || error_; });
    waited_ += since(t);
    if (error_) std::rethrow_exception(error_);
    slot_ = std::move(chunk);
    changed_.notify_all();
  }

  // Waits until every submitted chunk is written; rethrows a sink's error.
  void drain() {
    std::unique_lock<std::mutex> lock(mutex_);
    const Clock::time_point t = Clock::now();
    changed_.wait(lock, [this] { return (!slot_ && !busy_) || error_; });
    waited_ += since(t);
    if (error_) std::rethrow_exception(error_);
  }

  double write_seconds() const { return written_; }
  double waited_seconds() const { return waited_; }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      changed_.wait(lock, [this] { return slot_ || closed_; });
      if (!slot_) return;
      Chunk chunk = std::move(*slot_);
      slot_.reset();
      busy_ = true;
      changed_.notify_all();
      lock.unlock();
      const Clock::time_point t = Clock::now();
      std::exception_ptr error;
      try {
        for (Sink* s : sinks_) s->consume(chunk);
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      written_ += since(t);
      busy_ = false;
      if (error && !error_) error_ = error;
      if (!spare_) spare_ = std::move(chunk);
      changed_.notify_all();
    }
  }

  std::span<Sink* const> sinks_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::optional<Chunk> slot_, spare_;
  bool busy_ = false, closed_ = false;
  std::exception_ptr error_;
  double written_ = 0.0, waited_ = 0.0;
  std::thread thread_;  // last: starts after the members it uses
};

}  // namespace

ExecutionStats execute(const ScanPlan& plan, const Slab& slab, Backend& backend,
                       std::span<Sink* const> sinks, const std::function<void(long long)>& progress,
                       const std::function<bool(long long, long long)>& skip) {
  ExecutionStats st;
  const Clock::time_point start = Clock::now();
  const long long stage1_before = backend.stage1_integrals();
  backend.prepare_slab(slab);
  st.stage1 = since(start);
  const std::size_t n_values = plan.observables.size(), n_pulls = plan.pull_names.size();
  const std::size_t n_words = static_cast<std::size_t>(plan.flag_words());
  {
    WriterThread writer(sinks);
    for (long long begin = slab.begin; begin < slab.end;) {
      const long long end = plan.chunk_end(slab, begin);
      if (skip && skip(begin, end - begin)) {
        st.skipped += end - begin;
        begin = end;
        if (progress) progress(st.points + st.skipped);
        continue;
      }
      Chunk c = writer.take_spare();
      c.begin = begin;
      c.count = end - begin;
      const std::size_t n = static_cast<std::size_t>(c.count);
      c.values.resize(n * n_values);
      c.pulls.resize(n * n_pulls);
      c.flags.resize(n * n_words);
      const Clock::time_point t = Clock::now();
      backend.evaluate(begin, c.count, c.values.data(), c.pulls.data(), c.flags.data());
      st.evaluate += since(t);
      writer.submit(std::move(c));
      ++st.chunks;
      st.points += end - begin;
      begin = end;
      if (progress) progress(st.points + st.skipped);
    }
    writer.drain();
    st.write = writer.write_seconds();
    st.waited = writer.waited_seconds();
  }
  st.stage1_integrals = backend.stage1_integrals() - stage1_before;
  st.seconds = since(start);
  return st;
}

}  // namespace bscan
